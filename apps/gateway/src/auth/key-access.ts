/** What a gateway key may do, attached to its request by the key guard. */
export interface KeyAccess {
  /** `key_<12 hex of the key's SHA-256>`; null when the gateway runs without keys. */
  keyId: string | null;
  tenantId: string;
  tier: string | null;
  /** Routes (or directly named models) the key may use; null = all. */
  allowedRoutes: string[] | null;
  /** Models the key's requests may be served by; null = all. */
  allowedModels: string[] | null;
  tags: string[];
  limits: { keyRpm: number | null; keyTpm: number | null; tenantRpm: number | null; tenantTpm: number | null };
}

export const DEFAULT_TENANT = 'default';

export function openAccess(keyId: string | null): KeyAccess {
  return {
    keyId,
    tenantId: DEFAULT_TENANT,
    tier: null,
    allowedRoutes: null,
    allowedModels: null,
    tags: [],
    limits: { keyRpm: null, keyTpm: null, tenantRpm: null, tenantTpm: null },
  };
}
