import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time: typed Kysely<any> */
/**
 * A third kind of request record: `judge`, a judge model's call made by the scoring worker for a
 * route's `judge` option. Its cost is spend (the ledger and the daily rollups count it, attributed to
 * the route); the learning reports read `chat` records only, so it is never traffic nor a decision.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table requests drop constraint requests_kind_check`.execute(db);
  await sql`alter table requests add constraint requests_kind_check check (kind in ('chat', 'embeddings', 'judge'))`.execute(db);
}

/** Removes the judge calls' records (their ledger entries stay) and restores the two kinds. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from requests where kind = 'judge'`.execute(db);
  await sql`alter table requests drop constraint requests_kind_check`.execute(db);
  await sql`alter table requests add constraint requests_kind_check check (kind in ('chat', 'embeddings'))`.execute(db);
}
