import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time: typed Kysely<any> */
/**
 * At most one live budget per (scope, subject, period, rolling window): a second POST of the same
 * budget created a duplicate, of which only the lowest hard limit ever bound. The unique index makes
 * two concurrent POSTs race in Postgres, where one loses.
 *
 * Duplicates already stored are merged into the oldest of each group, which keeps what bound before:
 * its hard limit becomes the group's lowest, its soft limit the group's lowest (at most that hard
 * limit); the others are retired (`deleted_at`, as DELETE does), so the migration never fails on them.
 */
const GROUP = sql`partition by scope, subject, period, coalesce(window_seconds, 0)`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    with ranked as (
      select id,
        row_number() over (${GROUP} order by created_at, id) as rank,
        min(hard_limit_usd) over (${GROUP}) as hard,
        min(soft_limit_usd) over (${GROUP}) as soft,
        count(*) over (${GROUP}) as copies
      from budgets where deleted_at is null
    )
    update budgets set
      hard_limit_usd = ranked.hard,
      soft_limit_usd = case when ranked.soft is null or ranked.hard is null then ranked.soft else least(ranked.soft, ranked.hard) end
    from ranked
    where budgets.id = ranked.id and ranked.rank = 1 and ranked.copies > 1`.execute(db);
  await sql`
    update budgets set deleted_at = now()
    where id in (
      select id from (select id, row_number() over (${GROUP} order by created_at, id) as rank from budgets where deleted_at is null) r
      where r.rank > 1
    )`.execute(db);
  await sql`create unique index budgets_live_unique_idx on budgets (scope, subject, period, coalesce(window_seconds, 0)) where deleted_at is null`.execute(db);
}

/** Drops the index; merged duplicates stay retired (their rows are kept, with `deleted_at` set). */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('budgets_live_unique_idx').ifExists().execute();
}
