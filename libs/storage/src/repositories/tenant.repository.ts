import type { Insertable, Kysely, Selectable } from 'kysely';
import type { ColumnType } from 'kysely';
import type { Database } from '../database';

export interface TenantsTable {
  id: string;
  name: string;
  rpm: number | null;
  tpm: number | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export type TenantRow = Selectable<TenantsTable>;

export class TenantRepository {
  private readonly db: Kysely<Database & { tenants: TenantsTable }>;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<{ tenants: TenantsTable }>();
  }

  /** Creates the tenant, or returns undefined when the id is taken. */
  async create(tenant: Insertable<TenantsTable>): Promise<TenantRow | undefined> {
    return this.db.insertInto('tenants').values(tenant).onConflict((oc) => oc.column('id').doNothing()).returningAll().executeTakeFirst();
  }

  async find(id: string): Promise<TenantRow | undefined> {
    return this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(): Promise<TenantRow[]> {
    return this.db.selectFrom('tenants').selectAll().orderBy('id').execute();
  }
}
