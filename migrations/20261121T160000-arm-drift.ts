import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time: typed Kysely<any> */
/** Each arm's silent-regression statistic (a one-sided CUSUM of rewards below its own mean). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('arm_stats').addColumn('drift_statistic', 'double precision', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('arm_stats').dropColumn('drift_statistic').execute();
}
