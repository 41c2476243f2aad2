import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen in time: typed Kysely<any> */
/**
 * `DELETE /v1/admin/tenants/{id}` marks a tenant deleted rather than removing its row: its revoked
 * keys reference it (`api_keys.tenant_id`), and its id stays taken, so a new tenant of the same id
 * never inherits the old one's request records, ledger entries and daily rollups (they name it).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('deleted_at', 'timestamptz').execute();
}

/** Drops the mark: tenants deleted before become live again (with no active key, as they were left). */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tenants').dropColumn('deleted_at').execute();
}
