import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time: typed Kysely<any> */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('route', 'text')
    .addColumn('context_key', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('model_id', 'text')
    .addColumn('provider_id', 'text')
    .addColumn('key_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('http_status', 'integer', (c) => c.notNull())
    .addColumn('error_type', 'text')
    .addColumn('error_message', 'text')
    .addColumn('streamed', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('prompt_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('completion_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cached_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cost_usd', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('latency_ms', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('ttft_ms', 'double precision')
    .addColumn('finish_reason', 'text')
    .addColumn('decision_reason', 'text')
    .addColumn('attempts', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
  await db.schema.createIndex('requests_route_created_idx').on('requests').columns(['route', 'created_at']).execute();

  await db.schema
    .createTable('scores')
    .addColumn('request_id', 'text', (c) => c.primaryKey())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('context_key', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('validator_reward', 'double precision', (c) => c.notNull())
    .addColumn('feedback', 'double precision')
    .addColumn('reward', 'double precision', (c) => c.notNull())
    .addColumn('results', 'jsonb', (c) => c.notNull())
    .addColumn('scored_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('scores_route_model_idx').on('scores').columns(['route', 'model_id', 'scored_at']).execute();

  await db.schema
    .createTable('feedback')
    .addColumn('request_id', 'text', (c) => c.primaryKey())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('arm_stats')
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('context_key', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('successes', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('failures', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('completion_tokens', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('cost_usd', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('observations', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('arm_stats_pk', ['route', 'context_key', 'model_id'])
    .execute();
  await db.schema.createIndex('arm_stats_updated_idx').on('arm_stats').column('updated_at').execute();

  await db.schema
    .createTable('spend_daily')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('cost_usd', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('requests', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('spend_daily_pk', ['day', 'route', 'model_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['spend_daily', 'arm_stats', 'feedback', 'scores', 'requests']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
