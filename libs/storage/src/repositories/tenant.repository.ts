import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { ColumnType } from 'kysely';
import type { Database } from '../database';

export interface TenantsTable {
  id: string;
  name: string;
  rpm: number | null;
  tpm: number | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  /** Set by DELETE: the row stays, for its revoked keys and so that its id is never reused. */
  deleted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export type TenantRow = Selectable<TenantsTable>;
export type TenantChange = Pick<Updateable<TenantsTable>, 'name' | 'rpm' | 'tpm'>;

/** What `remove` did: marked the tenant deleted (or found it so), or refused for its active keys. */
export type TenantRemoval = { removed: TenantRow } | { activeKeys: string[] } | { missing: true };

type Tables = {
  tenants: TenantsTable;
  api_keys: { id: string; tenant_id: string; revoked_at: Date | null; created_at: Date };
  budgets: { scope: string; subject: string; deleted_at: ColumnType<Date | null, Date | string | null, Date | string | null> };
};

export class TenantRepository {
  private readonly db: Kysely<Database & Tables>;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<Tables>();
  }

  /** Creates the tenant, or returns undefined when the id is taken (by a deleted tenant too). */
  async create(tenant: Insertable<TenantsTable>): Promise<TenantRow | undefined> {
    return this.db.insertInto('tenants').values(tenant).onConflict((oc) => oc.column('id').doNothing()).returningAll().executeTakeFirst();
  }

  /** The tenant, deleted or not. */
  async find(id: string): Promise<TenantRow | undefined> {
    return this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(): Promise<TenantRow[]> {
    return this.db.selectFrom('tenants').selectAll().orderBy('id').execute();
  }

  /** Changes a tenant not deleted; undefined when there is none. */
  async update(id: string, change: TenantChange): Promise<TenantRow | undefined> {
    return this.db.updateTable('tenants').set(change).where('id', '=', id).where('deleted_at', 'is', null).returningAll().executeTakeFirst();
  }

  /**
   * Marks the tenant deleted and retires its tenant budgets (`deleted_at`, as a budget's DELETE does),
   * in one transaction on the locked row, unless it has keys not revoked. A key created at the same
   * time locks the row for share (`ApiKeyRepository.insertForLiveTenant`), so either it sees the
   * tenant deleted or this sees the key. Request records, ledger entries and rollups are not touched.
   */
  async remove(id: string, at: Date): Promise<TenantRemoval> {
    return this.db.transaction().execute(async (tx) => {
      const tenant = await tx.selectFrom('tenants').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!tenant) return { missing: true } as const;
      if (tenant.deleted_at !== null) return { removed: tenant };
      const active = await tx.selectFrom('api_keys').select('id').where('tenant_id', '=', id).where('revoked_at', 'is', null).orderBy('created_at').execute();
      if (active.length > 0) return { activeKeys: active.map((k) => k.id) };
      await tx.updateTable('budgets').set({ deleted_at: at }).where('scope', '=', 'tenant').where('subject', '=', id).where('deleted_at', 'is', null).execute();
      return { removed: await tx.updateTable('tenants').set({ deleted_at: at }).where('id', '=', id).returningAll().executeTakeFirstOrThrow() };
    });
  }
}
