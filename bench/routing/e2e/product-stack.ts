import { startProductOn } from '../../gateway/stack';

export const E2E_GATEWAY_KEY = 'gw-routing-e2e-key-0123456789';

export interface ProductStack {
  /** The gateway's base URL, without `/v1`. */
  gatewayUrl: string;
  databaseUrl: string;
  configPath: string;
  close(): Promise<void>;
}

/**
 * The product as deployed on the routing file `routerYaml` (the gateway bench's launcher,
 * bench/gateway/stack.ts): a fresh Postgres database, BullMQ on Redis under a unique prefix, the
 * gateway and the scoring worker each in its own process. `close` stops both and drops the database and keys.
 */
export async function startProductStack(routerYaml: string, env: Record<string, string> = {}): Promise<ProductStack> {
  const stack = await startProductOn(routerYaml, { env, gatewayKey: E2E_GATEWAY_KEY, name: 'bench_e2e' });
  return { gatewayUrl: stack.gateway.url, databaseUrl: stack.databaseUrl, configPath: stack.configPath, close: () => stack.close() };
}
