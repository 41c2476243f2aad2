import type { RouterConfigFile } from './router-config.schema';

/**
 * Used when ROUTER_CONFIG is not set: each provider whose well-known key variable is set is enabled
 * with a few of its models, and one route, `auto`, spans them all.
 */
const WELL_KNOWN: Array<{
  keyEnv: string;
  provider: RouterConfigFile['providers'][number];
  models: Array<Omit<RouterConfigFile['models'][number], 'provider'>>;
}> = [
  {
    keyEnv: 'OPENAI_API_KEY',
    provider: { id: 'openai', kind: 'openai-compatible', base_url: 'https://api.openai.com/v1', api_key_env: 'OPENAI_API_KEY' },
    models: [
      { id: 'gpt-4.1-nano', upstream: 'gpt-4.1-nano', input_per_1m: 0.1, output_per_1m: 0.4, context_window: 1047576 },
      { id: 'gpt-4o-mini', upstream: 'gpt-4o-mini', input_per_1m: 0.15, output_per_1m: 0.6, context_window: 128000 },
      { id: 'gpt-4.1-mini', upstream: 'gpt-4.1-mini', input_per_1m: 0.4, output_per_1m: 1.6, context_window: 1047576 },
      { id: 'gpt-4o', upstream: 'gpt-4o', input_per_1m: 2.5, output_per_1m: 10, context_window: 128000 },
    ],
  },
];

export function defaultRouterConfig(env: Record<string, string | undefined>): RouterConfigFile {
  const config: RouterConfigFile = { providers: [], models: [], routes: [] };
  for (const entry of WELL_KNOWN) {
    if (!env[entry.keyEnv]) continue;
    config.providers.push(entry.provider);
    for (const m of entry.models) config.models.push({ ...m, provider: entry.provider.id });
  }
  if (config.models.length > 0) {
    config.routes.push({ name: 'auto', candidates: config.models.map((m) => m.id), quality_floor: 0.8, discount: 0.99, validators: [] });
  }
  return config;
}

export function wellKnownKeyVariables(): string[] {
  return WELL_KNOWN.map((w) => w.keyEnv);
}
