import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time: typed Kysely<any> */
/**
 * Each learned row carries the id of the transaction that last wrote it (`txid`), so a gateway reads
 * exactly the rows written since its previous read: those of transactions that were not yet visible
 * to that read's snapshot all have ids at or above its xmin (`pg_snapshot_xmin`). Before, reads went
 * by `updated_at` with a margin of up to 10 s for transactions committing out of order, and re-read
 * every row changed within the margin each time. The `updated_at` indexes served only those reads.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['arm_stats', 'word_arms']) {
    await db.schema
      .alterTable(table)
      .addColumn('txid', sql`xid8`, (c) => c.notNull().defaultTo(sql`pg_current_xact_id()`))
      .execute();
    await db.schema.createIndex(`${table}_txid_idx`).on(table).column('txid').execute();
  }
  await db.schema.dropIndex('arm_stats_updated_idx').execute();
  await db.schema.dropIndex('word_arms_updated_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('arm_stats_updated_idx').on('arm_stats').column('updated_at').execute();
  await db.schema.createIndex('word_arms_updated_at').on('word_arms').column('updated_at').execute();
  for (const table of ['arm_stats', 'word_arms']) {
    await db.schema.dropIndex(`${table}_txid_idx`).execute();
    await db.schema.alterTable(table).dropColumn('txid').execute();
  }
}
