import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time: typed Kysely<any> */
/**
 * How much explicit feedback weighs against the validators in a request's reward (the route's
 * `feedback_weight` when it was scored), kept with the score so that feedback arriving later is
 * combined the same way. 0.5 is what every earlier score used.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('scores').addColumn('feedback_weight', 'double precision', (c) => c.notNull().defaultTo(0.5)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('scores').dropColumn('feedback_weight').execute();
}
