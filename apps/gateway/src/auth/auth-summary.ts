import type { AppConfig } from '../../../../libs/config/src';

/**
 * What the start-up log says about gateway keys. They are required once GATEWAY_API_KEYS or
 * ADMIN_API_KEY is set (`AccessService.keysRequired`): with only the admin key, only keys made
 * through the admin API are accepted, so "none" would send an operator looking in the wrong place.
 */
export function authSummary(config: Pick<AppConfig, 'gatewayKeyHashes' | 'adminKeyHash'>): string {
  const admin = config.adminKeyHash !== undefined;
  const fromEnv = config.gatewayKeyHashes.length;
  if (fromEnv > 0) return `${fromEnv} gateway key(s) from GATEWAY_API_KEYS${admin ? ', and keys made through the admin API' : ''}`;
  return admin ? 'keys made through the admin API only (ADMIN_API_KEY is set, GATEWAY_API_KEYS is not)' : 'none: every request is served (set GATEWAY_API_KEYS)';
}
