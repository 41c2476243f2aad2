import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time: typed Kysely<any> */
/**
 * What each request record is: `chat` (a chat completion or a Responses API call, routed by the bandit
 * and scored) or `embeddings` (POST /v1/embeddings: one pinned model, never scored). The learning
 * reports read `chat` records only; spend and the request log read both.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('requests').addColumn('kind', 'text', (c) => c.notNull().defaultTo('chat')).execute();
  await sql`alter table requests add constraint requests_kind_check check (kind in ('chat', 'embeddings'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('requests').dropColumn('kind').execute();
}
