import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time: typed Kysely<any> */
/**
 * The caller's tags on each request record (its gateway key's, then its `metadata.tags`: callerTags),
 * for the report's traffic, cost and quality per tag. Empty for requests without tags.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('requests').addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('requests').dropColumn('tags').execute();
}
