import { hash, randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { servesName, type AppConfig } from '../../../../libs/config/src';
import { GatewayError, type Clock } from '../../../../libs/core/src';
import type { DatabaseHandle } from '../../../../libs/storage/src';
import { ApiKeyRepository, type ApiKeyRow, type ApiKeyWithTenant } from '../../../../libs/storage/src/repositories/api-key.repository';
import { TenantRepository, type TenantRow } from '../../../../libs/storage/src/repositories/tenant.repository';
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

export interface NewTenantInput {
  id: string;
  name?: string;
  rpm?: number;
  tpm?: number;
}

const NEGATIVE_CACHE_MAX = 10_000;

/**
 * Gateway keys: the static ones from GATEWAY_API_KEYS (tenant "default") and the ones created
 * through the admin API (stored as SHA-256 digests). Resolving a key is a Map lookup; the cache is
 * reloaded every STATS_REFRESH_MS, so a key revoked on another gateway process stops working within
 * that time (at once on this one).
 */
@Injectable()
export class AccessService implements OnModuleInit, OnModuleDestroy {
  private readonly staticKeys: Map<string, KeyAccess>;
  private readonly keys: ApiKeyRepository;
  private readonly tenants: TenantRepository;
  private cache = new Map<string, ApiKeyWithTenant>();
  /** Bumped around every revocation, so a cache fill that raced one is discarded. */
  private revocations = 0;
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
    // A revocation that lands while the read is under way must not be undone by the older rows.
    for (;;) {
      const generation = this.revocations;
      const rows = await this.keys.listActive();
      if (generation !== this.revocations) continue;
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
      const generation = this.revocations;
      try {
        row = await this.keys.findByHash(digest);
      } catch {
        throw new GatewayError(503, 'The gateway cannot check this API key right now (its database is unavailable); retry shortly.', 'server_error', 'key_store_unavailable', null, 1);
      }
      if (row && row.revoked_at === null && generation === this.revocations) this.cache.set(digest, row);
      else if (!row && this.unknown.size < NEGATIVE_CACHE_MAX) this.unknown.add(digest);
    }
    if (!row) throw GatewayError.unauthorized('Incorrect API key provided.');
    if (row.revoked_at !== null) throw new GatewayError(401, 'This API key has been revoked.', 'authentication_error', 'revoked_api_key');
    if (row.expires_at !== null && new Date(row.expires_at).getTime() <= this.clock.now()) {
      throw new GatewayError(401, 'This API key has expired.', 'authentication_error', 'expired_api_key');
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
    if (!(await this.tenants.find(input.tenantId))) {
      throw GatewayError.notFound(`Tenant '${input.tenantId}' does not exist; create it first.`, 'tenant_not_found', 'tenant_id');
    }
    this.checkNewKey(input);
    const key = `sk-gw-${randomBytes(24).toString('base64url')}`;
    const digest = sha256Hex(key);
    const row = await this.keys.insert({
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
    return { key, row };
  }

  /**
   * A key limited to a route or model this gateway does not serve (a typo) could never be used there,
   * and one that has already expired never at all: both are the admin's mistake, refused naming the field.
   */
  private checkNewKey(input: NewKeyInput): void {
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
    this.revocations++;
    const row = await this.keys.revoke(id, new Date(this.clock.now()));
    this.revocations++;
    if (!row) {
      const existing = await this.keys.find(id);
      if (!existing) throw GatewayError.notFound(`Key '${id}' does not exist.`, 'key_not_found', 'id');
      return existing;
    }
    for (const [digest, cached] of this.cache) if (cached.id === id) this.cache.delete(digest);
    return row;
  }

  listKeys(tenantId?: string): Promise<ApiKeyRow[]> {
    return this.keys.list(tenantId);
  }

  /** Whether `id` names a key: one from GATEWAY_API_KEYS or one made through the admin API (revoked ones too). */
  async keyExists(id: string): Promise<boolean> {
    for (const access of this.staticKeys.values()) if (access.keyId === id) return true;
    return (await this.keys.find(id)) !== undefined;
  }

  async tenantExists(id: string): Promise<boolean> {
    return (await this.tenants.find(id)) !== undefined;
  }

  async getKey(id: string): Promise<ApiKeyRow> {
    const row = await this.keys.find(id);
    if (!row) throw GatewayError.notFound(`Key '${id}' does not exist.`, 'key_not_found', 'id');
    return row;
  }

  async createTenant(input: NewTenantInput): Promise<TenantRow> {
    const row = await this.tenants.create({ id: input.id, name: input.name ?? input.id, rpm: input.rpm ?? null, tpm: input.tpm ?? null });
    if (!row) throw new GatewayError(409, `Tenant '${input.id}' already exists.`, 'invalid_request_error', 'tenant_exists', 'id');
    return row;
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
