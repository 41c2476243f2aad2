import type { ColumnType, Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../database';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type JsonList = ColumnType<string[] | null, string | null, string | null>;

/** Gateway keys: only the SHA-256 of a key is stored, never the key. */
export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  key_hash: string;
  name: string | null;
  tier: string | null;
  allowed_routes: JsonList;
  allowed_models: JsonList;
  tags: ColumnType<string[], string, string>;
  rpm: number | null;
  tpm: number | null;
  expires_at: Timestamp | null;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export type ApiKeyRow = Selectable<ApiKeysTable>;
export type NewApiKeyRow = Insertable<ApiKeysTable>;
/** What the admin API may change on a key: never its id, tenant, digest or dates of creation and revocation. */
export type ApiKeyChange = Pick<Updateable<ApiKeysTable>, 'name' | 'tier' | 'allowed_routes' | 'allowed_models' | 'tags' | 'rpm' | 'tpm' | 'expires_at'>;

/** A key with its tenant's rate limits, as the request path needs it. */
export type ApiKeyWithTenant = ApiKeyRow & { tenant_rpm: number | null; tenant_tpm: number | null };

type Tables = { api_keys: ApiKeysTable; tenants: { id: string; rpm: number | null; tpm: number | null; deleted_at: Date | null } };

export class ApiKeyRepository {
  private readonly db: Kysely<Database & Tables>;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<Tables>();
  }

  /**
   * Inserts the key if its tenant exists and is not deleted (undefined otherwise), holding the tenant's
   * row for share until the insert commits, so a concurrent tenant DELETE (which locks it for update)
   * either sees this key or makes this insert see the tenant deleted.
   */
  async insertForLiveTenant(row: NewApiKeyRow): Promise<ApiKeyRow | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const tenant = await tx.selectFrom('tenants').select('id').where('id', '=', row.tenant_id).where('deleted_at', 'is', null).forShare().executeTakeFirst();
      if (!tenant) return undefined;
      return tx.insertInto('api_keys').values(row).returningAll().executeTakeFirstOrThrow();
    });
  }

  /** Changes a key not revoked; undefined when there is none (unknown or revoked). */
  async update(id: string, change: ApiKeyChange): Promise<ApiKeyRow | undefined> {
    return this.db.updateTable('api_keys').set(change).where('id', '=', id).where('revoked_at', 'is', null).returningAll().executeTakeFirst();
  }

  private withTenant() {
    return this.db
      .selectFrom('api_keys')
      .innerJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
      .selectAll('api_keys')
      .select(['tenants.rpm as tenant_rpm', 'tenants.tpm as tenant_tpm']);
  }

  async findByHash(keyHash: string): Promise<ApiKeyWithTenant | undefined> {
    return this.withTenant().where('api_keys.key_hash', '=', keyHash).executeTakeFirst();
  }

  /** Keys not revoked (expired ones included: the guard tells them apart). */
  async listActive(): Promise<ApiKeyWithTenant[]> {
    return this.withTenant().where('api_keys.revoked_at', 'is', null).execute();
  }

  async find(id: string): Promise<ApiKeyRow | undefined> {
    return this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(tenantId?: string): Promise<ApiKeyRow[]> {
    let q = this.db.selectFrom('api_keys').selectAll().orderBy('created_at');
    if (tenantId) q = q.where('tenant_id', '=', tenantId);
    return q.execute();
  }

  async revoke(id: string, at: Date): Promise<ApiKeyRow | undefined> {
    return this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
  }
}
