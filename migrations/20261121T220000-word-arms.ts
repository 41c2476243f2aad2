import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time: typed Kysely<any> */
/**
 * The `learner: hashed_words` model (libs/router hashed-logistic): one online logistic regression per
 * (route, model) over the prompt's hashed words, its weights' posterior means and precisions stored as
 * little-endian float32 bytes. A score of such a route keeps the prompt's active buckets (`features`),
 * so feedback arriving later can correct what the model learned from it. No prompt text is stored.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('word_arms')
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('bits', 'integer', (c) => c.notNull())
    .addColumn('prior_precision', 'double precision', (c) => c.notNull())
    .addColumn('observations', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('mean', 'bytea', (c) => c.notNull())
    .addColumn('precision', 'bytea', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('word_arms_pk', ['route', 'model_id'])
    .execute();
  await db.schema.createIndex('word_arms_updated_at').on('word_arms').column('updated_at').execute();
  await db.schema.alterTable('scores').addColumn('features', sql`integer[]`).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('scores').dropColumn('features').execute();
  await db.schema.dropTable('word_arms').execute();
}
