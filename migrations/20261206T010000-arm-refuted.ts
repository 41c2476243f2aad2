import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time: typed Kysely<any> */
/**
 * A context's refuted anchor (libs/router refuted-anchor): on the arm row of the model whose drift alarm
 * fired in the context while it was proven there, how many more of the context's scores the marker
 * lasts; 0 on every other row.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('arm_stats').addColumn('refuted_left', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('arm_stats').dropColumn('refuted_left').execute();
}
