import { routerConfigSchema, type RouterConfigFile } from './router-config.schema';

/**
 * Used when ROUTER_CONFIG is not set: each provider whose well-known key variable is set is enabled
 * from its preset with a few of its catalog models, and one route, `auto`, spans its chat models; its
 * catalog embedding models serve POST /v1/embeddings by their ids.
 */
const WELL_KNOWN: Array<{ keyEnv: string; preset: string; catalogModels: string[]; embeddingModels?: string[] }> = [
  { keyEnv: 'OPENAI_API_KEY', preset: 'openai', catalogModels: ['gpt-6-luna', 'gpt-4o-mini', 'gpt-4.1-mini', 'gpt-4o'], embeddingModels: ['text-embedding-3-small', 'text-embedding-3-large'] },
  { keyEnv: 'ANTHROPIC_API_KEY', preset: 'anthropic', catalogModels: ['claude-haiku-5-5', 'claude-sonnet-5-5'] },
  { keyEnv: 'GEMINI_API_KEY', preset: 'gemini', catalogModels: ['gemini-2.5-flash', 'gemini-2.5-pro'], embeddingModels: ['gemini-embedding-001'] },
  { keyEnv: 'DEEPSEEK_API_KEY', preset: 'deepseek', catalogModels: ['deepseek-chat'] },
  { keyEnv: 'MISTRAL_API_KEY', preset: 'mistral', catalogModels: ['mistral-small', 'mistral-large'], embeddingModels: ['mistral-embed'] },
  { keyEnv: 'GROQ_API_KEY', preset: 'groq', catalogModels: ['llama-3.3-70b'] },
];

export function defaultRouterConfig(env: Record<string, string | undefined>): RouterConfigFile {
  const enabled = WELL_KNOWN.filter((entry) => env[entry.keyEnv]);
  const models = enabled.flatMap((entry) => entry.catalogModels.map((id) => ({ id, catalog: id })));
  // Named directly by clients of POST /v1/embeddings (their catalog ids); never candidates of `auto`.
  const embeddingModels = enabled.flatMap((entry) => (entry.embeddingModels ?? []).map((id) => ({ id, catalog: id })));
  return routerConfigSchema.parse({
    providers: enabled.map((entry) => ({ id: entry.preset, preset: entry.preset, api_key_env: entry.keyEnv })),
    models: [...models, ...embeddingModels],
    routes: models.length > 0 ? [{ name: 'auto', candidates: models.map((m) => m.id) }] : [],
  });
}

export function wellKnownKeyVariables(): string[] {
  return WELL_KNOWN.map((w) => w.keyEnv);
}
