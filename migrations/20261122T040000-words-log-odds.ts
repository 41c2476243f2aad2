import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time: typed Kysely<any> */
/**
 * Each word model's discounted log Bayes factor against its context's belief (libs/router
 * `scoreAgainstContext`); 0, even odds, for the models stored before it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('word_arms').addColumn('words_log_odds', 'double precision', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('word_arms').dropColumn('words_log_odds').execute();
}
