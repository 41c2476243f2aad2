import { hash, randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { servesName, type AppConfig } from '../../../../libs/config/src';
import { GatewayError, withTimeout, type Clock } from '../../../../libs/core/src';
import type { DatabaseHandle } from '../../../../libs/storage/src';
import { ApiKeyRepository, type ApiKeyChange, type ApiKeyRow, type ApiKeyWithTenant } from '../../../../libs/storage/src/repositories/api-key.repository';
import { TenantRepository, type TenantChange, type TenantRow } from '../../../../libs/storage/src/repositories/tenant.repository';
import { APP_CONFIG, CLOCK, DATABASE } from '../tokens';
import { DEFAULT_TENANT, openAccess, type KeyAccess } from './key-access';

/** One-shot `crypto.hash` (Node 20.12+): a third of `createHash().update().digest()`'s time, on every request's key. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

export function keyIdFromHash(digest: string): string {
  return `key_${digest.slice(0, 12)}`;
}

export interface NewKeyInput {
  tenantId: string;
  name?: string;
  tier?: string;
  allowedRoutes?: string[];
  allowedModels?: string[];
  tags?: string[];
  rpm?: number;
  tpm?: number;
  expiresAt?: Date;
}

/** A key's fields to change: a missing one stays, `null` clears it. */
export interface KeyChangeInput {
  name?: string | null;
  tier?: string | null;
  allowedRoutes?: string[] | null;
  allowedModels?: string[] | null;
  tags?: string[] | null;
  rpm?: number | null;
  tpm?: number | null;
  expiresAt?: Date | null;
}

export interface NewTenantInput {
  id: string;
  name?: string;
  rpm?: number;
  tpm?: number;
}

const NEGATIVE_CACHE_MAX = 10_000;

/**
 * The most a request waits on the database for a key it has not cached (created on another gateway
 * since the last reload, or unknown); the database's own statement bound (DATABASE_TIMEOUT_MS) may be longer.
 */
export const KEY_LOOKUP_TIMEOUT_MS = 5_000;

/**
 * Gateway keys: the static ones from GATEWAY_API_KEYS (tenant "default") and the ones created
 * through the admin API (stored as SHA-256 digests). Resolving a key is a Map lookup; the cache is
 * reloaded every STATS_REFRESH_MS, so a key revoked or changed (or its tenant changed) on another
 * gateway process stops working or takes its new settings within that time (at once on this one).
 */
@Injectable()
export class AccessService implements OnModuleInit, OnModuleDestroy {
  private readonly staticKeys: Map<string, KeyAccess>;
  private readonly keys: ApiKeyRepository;
  private readonly tenants: TenantRepository;
  private cache = new Map<string, ApiKeyWithTenant>();
  /** Bumped around every revocation or change of a key or tenant, so a cache fill that raced one is discarded. */
  private changes = 0;
  private unknown = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DATABASE) database: DatabaseHandle,
  ) {
    this.staticKeys = new Map(config.gatewayKeyHashes.map((h) => [h, openAccess(keyIdFromHash(h))]));
    this.keys = new ApiKeyRepository(database.db);
    this.tenants = new TenantRepository(database.db);
  }

  async onModuleInit(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), this.config.statsRefreshMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Keys are required once GATEWAY_API_KEYS or ADMIN_API_KEY is set. */
  get keysRequired(): boolean {
    return this.staticKeys.size > 0 || this.config.adminKeyHash !== undefined;
  }

  async refresh(): Promise<void> {
    // A revocation or change that lands while the read is under way must not be undone by the older rows.
    for (;;) {
      const generation = this.changes;
      const rows = await this.keys.listActive();
      if (generation !== this.changes) continue;
      this.cache = new Map(rows.map((r) => [r.key_hash, r]));
      this.unknown = new Set();
      return;
    }
  }

  /** The access a presented key grants, or the 401 to answer with. Never echoes the key. */
  async resolve(presented: string): Promise<KeyAccess> {
    const digest = sha256Hex(presented);
    const fixed = this.staticKeys.get(digest);
    if (fixed) return fixed;
    let row = this.cache.get(digest);
    if (!row && !this.unknown.has(digest)) {
      const generation = this.changes;
      try {
        row = await withTimeout(this.keys.findByHash(digest), KEY_LOOKUP_TIMEOUT_MS, 'key lookup');
      } catch {
        throw new GatewayError(503, 'The gateway cannot check this API key right now (its database is unavailable); retry shortly.', 'server_error', 'key_store_unavailable', null, 1);
      }
      if (row && row.revoked_at === null && generation === this.changes) this.cache.set(digest, row);
      else if (!row && this.unknown.size < NEGATIVE_CACHE_MAX) this.unknown.add(digest);
    }
    if (!row) throw GatewayError.unauthorized('Incorrect API key provided.');
    if (row.revoked_at !== null) throw GatewayError.unauthorized('This API key has been revoked.', 'revoked_api_key');
    if (row.expires_at !== null && new Date(row.expires_at).getTime() <= this.clock.now()) {
      throw GatewayError.unauthorized('This API key has expired.', 'expired_api_key');
    }
    return {
      keyId: row.id,
      tenantId: row.tenant_id,
      tier: row.tier,
      allowedRoutes: row.allowed_routes,
      allowedModels: row.allowed_models,
      tags: row.tags,
      limits: { keyRpm: row.rpm, keyTpm: row.tpm, tenantRpm: row.tenant_rpm, tenantTpm: row.tenant_tpm },
    };
  }

  /** Creates a key; the returned `key` is the only time it exists outside the client. */
  async createKey(input: NewKeyInput): Promise<{ key: string; row: ApiKeyRow }> {
    const tenant = await this.tenants.find(input.tenantId);
    if (!tenant) throw GatewayError.notFound(`Tenant '${input.tenantId}' does not exist; create it first.`, 'tenant_not_found', 'tenant_id');
    if (tenant.deleted_at !== null) throw tenantDeleted(input.tenantId, 'tenant_id');
    this.checkKeySettings(input);
    const key = `sk-gw-${randomBytes(24).toString('base64url')}`;
    const digest = sha256Hex(key);
    const row = await this.keys.insertForLiveTenant({
      id: keyIdFromHash(digest),
      tenant_id: input.tenantId,
      key_hash: digest,
      name: input.name ?? null,
      tier: input.tier ?? null,
      allowed_routes: input.allowedRoutes ? JSON.stringify(input.allowedRoutes) : null,
      allowed_models: input.allowedModels ? JSON.stringify(input.allowedModels) : null,
      tags: JSON.stringify(input.tags ?? []),
      rpm: input.rpm ?? null,
      tpm: input.tpm ?? null,
      expires_at: input.expiresAt ?? null,
      created_at: new Date(this.clock.now()),
    });
    // The tenant was deleted between the check and the insert.
    if (!row) throw tenantDeleted(input.tenantId, 'tenant_id');
    return { key, row };
  }

  /**
   * Changes a key in place, checked as at creation; its secret and digest stay, so its clients go on
   * unchanged. This process applies it at once, every other at its next reload (STATS_REFRESH_MS), as
   * for a revocation. A revoked key is a 409: it exists (GET shows it) but can never be used again.
   */
  async updateKey(id: string, input: KeyChangeInput): Promise<ApiKeyRow> {
    this.checkKeySettings({ allowedRoutes: input.allowedRoutes ?? undefined, allowedModels: input.allowedModels ?? undefined, expiresAt: input.expiresAt ?? undefined });
    const change: ApiKeyChange = {
      name: input.name,
      tier: input.tier,
      allowed_routes: input.allowedRoutes === undefined ? undefined : input.allowedRoutes && JSON.stringify(input.allowedRoutes),
      allowed_models: input.allowedModels === undefined ? undefined : input.allowedModels && JSON.stringify(input.allowedModels),
      tags: input.tags === undefined ? undefined : JSON.stringify(input.tags ?? []),
      rpm: input.rpm,
      tpm: input.tpm,
      expires_at: input.expiresAt,
    };
    const row = await this.changingCache(() => this.keys.update(id, change), (cached) => cached.id === id);
    if (row) return row;
    const existing = await this.keys.find(id);
    if (!existing && this.isStaticKey(id)) {
      throw keyFromConfig(id, 'has no settings to change; create a key with POST /v1/admin/keys instead');
    }
    if (!existing) throw GatewayError.notFound(`Key '${id}' does not exist.`, 'key_not_found', 'id');
    throw new GatewayError(409, `Key '${id}' is revoked and cannot be changed; create a new key.`, 'invalid_request_error', 'key_revoked', 'id');
  }

  /**
   * Runs a change of stored keys or tenants and drops the cached keys it touches (`affected`), so the
   * next request of such a key reads it afresh; a reload or lookup that raced the change is discarded.
   */
  private async changingCache<T>(change: () => Promise<T>, affected: (cached: ApiKeyWithTenant) => boolean): Promise<T> {
    this.changes++;
    try {
      return await change();
    } finally {
      this.changes++;
      for (const [digest, cached] of this.cache) if (affected(cached)) this.cache.delete(digest);
    }
  }

  /**
   * A key limited to a route or model this gateway does not serve (a typo) could never be used there,
   * and one that has already expired never at all: both are the admin's mistake, refused naming the
   * field, on create and on change.
   */
  private checkKeySettings(input: Pick<NewKeyInput, 'allowedRoutes' | 'allowedModels' | 'expiresAt'>): void {
    input.allowedRoutes?.forEach((name, i) => {
      if (!servesName(this.config, name)) {
        throw GatewayError.invalidRequest(`allowed_routes.${i}: this gateway serves no route or model '${name}'.`, `allowed_routes.${i}`, 'route_not_found');
      }
    });
    input.allowedModels?.forEach((name, i) => {
      if (!this.config.models.has(name) && !this.config.embeddingModels.has(name)) {
        throw GatewayError.invalidRequest(`allowed_models.${i}: this gateway serves no model '${name}'.`, `allowed_models.${i}`, 'model_not_found');
      }
    });
    if (input.expiresAt && input.expiresAt.getTime() <= this.clock.now()) {
      throw GatewayError.invalidRequest(`expires_at: ${input.expiresAt.toISOString()} has passed; the key would never work.`, 'expires_at', 'invalid_value');
    }
  }

  async revokeKey(id: string): Promise<ApiKeyRow> {
    const row = await this.changingCache(() => this.keys.revoke(id, new Date(this.clock.now())), (cached) => cached.id === id);
    if (!row) {
      const existing = await this.keys.find(id);
      if (!existing && this.isStaticKey(id)) throw keyFromConfig(id, 'is revoked by removing it from GATEWAY_API_KEYS and restarting');
      if (!existing) throw GatewayError.notFound(`Key '${id}' does not exist.`, 'key_not_found', 'id');
      return existing;
    }
    return row;
  }

  listKeys(tenantId?: string): Promise<ApiKeyRow[]> {
    return this.keys.list(tenantId);
  }

  /** Whether `id` names a key: one from GATEWAY_API_KEYS or one made through the admin API (revoked ones too). */
  async keyExists(id: string): Promise<boolean> {
    return this.isStaticKey(id) || (await this.keys.find(id)) !== undefined;
  }

  private isStaticKey(id: string): boolean {
    for (const access of this.staticKeys.values()) if (access.keyId === id) return true;
    return false;
  }

  /** Whether `id` names a tenant not deleted (a budget on a deleted one would never apply). */
  async tenantExists(id: string): Promise<boolean> {
    const tenant = await this.tenants.find(id);
    return tenant !== undefined && tenant.deleted_at === null;
  }

  async getKey(id: string): Promise<ApiKeyRow> {
    const row = await this.keys.find(id);
    if (!row) throw GatewayError.notFound(`Key '${id}' does not exist.`, 'key_not_found', 'id');
    return row;
  }

  async createTenant(input: NewTenantInput): Promise<TenantRow> {
    const row = await this.tenants.create({ id: input.id, name: input.name ?? input.id, rpm: input.rpm ?? null, tpm: input.tpm ?? null });
    if (!row) throw new GatewayError(409, `Tenant '${input.id}' already exists (a deleted tenant's id stays taken).`, 'invalid_request_error', 'tenant_exists', 'id');
    return row;
  }

  /** Changes a tenant's name or rate limits; its keys' cached limits follow as for `updateKey`. */
  async updateTenant(id: string, change: TenantChange): Promise<TenantRow> {
    const row = await this.changingCache(() => this.tenants.update(id, change), (cached) => cached.tenant_id === id);
    if (row) return row;
    const existing = await this.getTenant(id);
    throw tenantDeleted(existing.id, 'id');
  }

  /**
   * Deletes a tenant: refused (409 `tenant_has_active_keys`, naming them) while it has keys not
   * revoked, since deleting it must not silently lock its clients out; revoke them first. The row
   * stays, marked deleted, with its id taken for good: its revoked keys reference it, and its request
   * records, ledger entries and rollups keep naming it. Its tenant budgets are retired with it.
   * The default tenant (GATEWAY_API_KEYS and the open gateway) cannot be deleted.
   */
  async deleteTenant(id: string): Promise<TenantRow> {
    if (id === DEFAULT_TENANT) {
      throw new GatewayError(409, `Tenant '${id}' holds the GATEWAY_API_KEYS keys and unauthenticated requests; it cannot be deleted.`, 'invalid_request_error', 'default_tenant', 'id');
    }
    const result = await this.tenants.remove(id, new Date(this.clock.now()));
    if ('missing' in result) throw GatewayError.notFound(`Tenant '${id}' does not exist.`, 'tenant_not_found', 'id');
    if ('activeKeys' in result) {
      const shown = result.activeKeys.slice(0, 10).join(', ') + (result.activeKeys.length > 10 ? ', …' : '');
      throw new GatewayError(
        409,
        `Tenant '${id}' has ${result.activeKeys.length} key(s) not revoked (${shown}); revoke them with DELETE /v1/admin/keys/{id} first.`,
        'invalid_request_error',
        'tenant_has_active_keys',
        'id',
      );
    }
    return result.removed;
  }

  listTenants(): Promise<TenantRow[]> {
    return this.tenants.list();
  }

  async getTenant(id: string): Promise<TenantRow> {
    const row = await this.tenants.find(id);
    if (!row) throw GatewayError.notFound(`Tenant '${id}' does not exist.`, 'tenant_not_found', 'id');
    return row;
  }

  static defaultTenant = DEFAULT_TENANT;
}

function tenantDeleted(id: string, param: string): GatewayError {
  return new GatewayError(409, `Tenant '${id}' has been deleted.`, 'invalid_request_error', 'tenant_deleted', param);
}

function keyFromConfig(id: string, what: string): GatewayError {
  return new GatewayError(409, `Key '${id}' comes from GATEWAY_API_KEYS and ${what}.`, 'invalid_request_error', 'key_from_config', 'id');
}
