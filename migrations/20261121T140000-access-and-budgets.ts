import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time: typed Kysely<any> */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('rpm', 'integer')
    .addColumn('tpm', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.insertInto('tenants').values({ id: 'default', name: 'default' }).execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text')
    .addColumn('tier', 'text')
    .addColumn('allowed_routes', 'jsonb')
    .addColumn('allowed_models', 'jsonb')
    .addColumn('tags', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('rpm', 'integer')
    .addColumn('tpm', 'integer')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('api_keys_tenant_idx').on('api_keys').column('tenant_id').execute();

  await db.schema
    .createTable('budgets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('window_seconds', 'integer')
    .addColumn('hard_limit_usd', 'double precision')
    .addColumn('soft_limit_usd', 'double precision')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('budgets_scope_subject_idx').on('budgets').columns(['scope', 'subject']).execute();

  // Append-only: one row per request that reached a provider, never updated.
  await db.schema
    .createTable('spend_ledger')
    .addColumn('request_id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text')
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text')
    .addColumn('cost_usd', 'double precision', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('spend_ledger_key_created_idx').on('spend_ledger').columns(['key_id', 'created_at']).execute();
  await db.schema.createIndex('spend_ledger_tenant_created_idx').on('spend_ledger').columns(['tenant_id', 'created_at']).execute();
  await db.schema.createIndex('spend_ledger_route_created_idx').on('spend_ledger').columns(['route', 'created_at']).execute();

  await db.schema
    .createTable('spend_rollup_daily')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('cost_usd', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('requests', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('spend_rollup_daily_pk', ['day', 'tenant_id', 'key_id', 'route', 'model_id'])
    .execute();
  await db.schema.createIndex('spend_rollup_tenant_day_idx').on('spend_rollup_daily').columns(['tenant_id', 'day']).execute();
  await db.schema.createIndex('spend_rollup_key_day_idx').on('spend_rollup_daily').columns(['key_id', 'day']).execute();
  await db.schema.createIndex('spend_rollup_route_day_idx').on('spend_rollup_daily').columns(['route', 'day']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['spend_rollup_daily', 'spend_ledger', 'budgets', 'api_keys', 'tenants']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
