import type { ProviderSettings, ToolForm } from '../provider-settings';

/**
 * Well-known upstreams as data. An OpenAI-compatible host is configuration, not code: its quirks are
 * `dropFields` (request fields it rejects) and `renameFields` (fields it names differently), applied by
 * the openai-compatible adapter. Entries reflect each provider's public docs at `PRESETS_CHECKED_ON`;
 * overrides in the config file win.
 *
 * `{placeholders}` in `baseUrl` / `chatPath` are filled from `variables` (defaults here, values from the
 * config), e.g. Azure's resource, deployment and api-version.
 */
export interface ProviderPreset {
  kind: 'openai-compatible' | 'anthropic' | 'gemini';
  baseUrl: string;
  chatPath?: string;
  /** Environment variable that conventionally holds the key; absent for local servers without auth. */
  apiKeyEnv?: string;
  authHeader?: string;
  headers?: Record<string, string>;
  dropFields?: string[];
  renameFields?: Record<string, string>;
  /** OpenAI's newer tool forms the host takes as they are (allowed_tools, custom tools); absent: none. */
  toolForms?: ToolForm[];
  variables?: Record<string, string>;
  docs: string;
}

export const PRESETS_CHECKED_ON = '2025-10-01';

/** OpenAI request fields that only OpenAI itself serves; strict hosts reject them as unknown. */
const OPENAI_ONLY_FIELDS = ['store', 'metadata', 'service_tier', 'prompt_cache_key', 'safety_identifier', 'verbosity', 'prediction', 'web_search_options'];

export const PROVIDER_PRESETS = {
  openai: {
    kind: 'openai-compatible',
    baseUrl: 'https://api.openai.com/v1',
    apiKeyEnv: 'OPENAI_API_KEY',
    authHeader: 'authorization',
    // https://platform.openai.com/docs/api-reference/chat/create: tool_choice allowed_tools, custom tools.
    // Other hosts, Azure's pinned api-version included, are not documented to take them.
    toolForms: ['allowed_tools', 'custom_tools'],
    docs: 'https://platform.openai.com/docs/api-reference/chat',
  },
  azure: {
    kind: 'openai-compatible',
    baseUrl: 'https://{resource}.openai.azure.com/openai/deployments/{deployment}',
    chatPath: '/chat/completions?api-version={apiVersion}',
    apiKeyEnv: 'AZURE_OPENAI_API_KEY',
    authHeader: 'api-key',
    variables: { apiVersion: '2024-10-21' },
    docs: 'https://learn.microsoft.com/azure/ai-services/openai/reference',
  },
  deepseek: {
    kind: 'openai-compatible',
    baseUrl: 'https://api.deepseek.com/v1',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    authHeader: 'authorization',
    dropFields: OPENAI_ONLY_FIELDS,
    docs: 'https://api-docs.deepseek.com/api/create-chat-completion',
  },
  mistral: {
    kind: 'openai-compatible',
    baseUrl: 'https://api.mistral.ai/v1',
    apiKeyEnv: 'MISTRAL_API_KEY',
    authHeader: 'authorization',
    // Mistral answers 422 to unknown fields; it streams usage without being asked.
    dropFields: [...OPENAI_ONLY_FIELDS, 'stream_options', 'user', 'logit_bias', 'logprobs', 'top_logprobs'],
    renameFields: { max_completion_tokens: 'max_tokens', seed: 'random_seed' },
    docs: 'https://docs.mistral.ai/api/#tag/chat',
  },
  qwen: {
    kind: 'openai-compatible',
    baseUrl: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1',
    apiKeyEnv: 'DASHSCOPE_API_KEY',
    authHeader: 'authorization',
    dropFields: OPENAI_ONLY_FIELDS,
    renameFields: { max_completion_tokens: 'max_tokens' },
    docs: 'https://www.alibabacloud.com/help/en/model-studio/compatibility-of-openai-with-dashscope',
  },
  groq: {
    kind: 'openai-compatible',
    baseUrl: 'https://api.groq.com/openai/v1',
    apiKeyEnv: 'GROQ_API_KEY',
    authHeader: 'authorization',
    // Groq documents logprobs, logit_bias and top_logprobs as unsupported (400).
    dropFields: [...OPENAI_ONLY_FIELDS, 'logprobs', 'logit_bias', 'top_logprobs'],
    docs: 'https://console.groq.com/docs/openai',
  },
  together: {
    kind: 'openai-compatible',
    baseUrl: 'https://api.together.xyz/v1',
    apiKeyEnv: 'TOGETHER_API_KEY',
    authHeader: 'authorization',
    dropFields: OPENAI_ONLY_FIELDS,
    docs: 'https://docs.together.ai/reference/chat-completions-1',
  },
  fireworks: {
    kind: 'openai-compatible',
    baseUrl: 'https://api.fireworks.ai/inference/v1',
    apiKeyEnv: 'FIREWORKS_API_KEY',
    authHeader: 'authorization',
    dropFields: OPENAI_ONLY_FIELDS,
    docs: 'https://docs.fireworks.ai/api-reference/post-chatcompletions',
  },
  xai: {
    kind: 'openai-compatible',
    baseUrl: 'https://api.x.ai/v1',
    apiKeyEnv: 'XAI_API_KEY',
    authHeader: 'authorization',
    dropFields: OPENAI_ONLY_FIELDS,
    docs: 'https://docs.x.ai/docs/api-reference#chat-completions',
  },
  openrouter: {
    kind: 'openai-compatible',
    baseUrl: 'https://openrouter.ai/api/v1',
    apiKeyEnv: 'OPENROUTER_API_KEY',
    authHeader: 'authorization',
    docs: 'https://openrouter.ai/docs/api-reference/chat-completion',
  },
  perplexity: {
    kind: 'openai-compatible',
    baseUrl: 'https://api.perplexity.ai',
    apiKeyEnv: 'PERPLEXITY_API_KEY',
    authHeader: 'authorization',
    // Sonar models take no tools; usage always arrives in the last chunk.
    dropFields: [...OPENAI_ONLY_FIELDS, 'stream_options', 'parallel_tool_calls', 'user', 'logit_bias', 'logprobs', 'top_logprobs', 'n', 'seed'],
    docs: 'https://docs.perplexity.ai/api-reference/chat-completions-post',
  },
  cerebras: {
    kind: 'openai-compatible',
    baseUrl: 'https://api.cerebras.ai/v1',
    apiKeyEnv: 'CEREBRAS_API_KEY',
    authHeader: 'authorization',
    // Cerebras documents frequency/presence penalties and logit_bias as unsupported.
    dropFields: [...OPENAI_ONLY_FIELDS, 'frequency_penalty', 'presence_penalty', 'logit_bias'],
    docs: 'https://inference-docs.cerebras.ai/resources/openai',
  },
  vllm: {
    kind: 'openai-compatible',
    baseUrl: 'http://127.0.0.1:8000/v1',
    apiKeyEnv: 'VLLM_API_KEY',
    authHeader: 'authorization',
    docs: 'https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html',
  },
  ollama: {
    kind: 'openai-compatible',
    baseUrl: 'http://127.0.0.1:11434/v1',
    authHeader: 'authorization',
    dropFields: [...OPENAI_ONLY_FIELDS, 'parallel_tool_calls', 'logit_bias', 'user'],
    docs: 'https://github.com/ollama/ollama/blob/main/docs/openai.md',
  },
  lmstudio: {
    kind: 'openai-compatible',
    baseUrl: 'http://127.0.0.1:1234/v1',
    authHeader: 'authorization',
    dropFields: OPENAI_ONLY_FIELDS,
    docs: 'https://lmstudio.ai/docs/app/api/endpoints/openai',
  },
  anthropic: {
    kind: 'anthropic',
    baseUrl: 'https://api.anthropic.com',
    chatPath: '/v1/messages',
    apiKeyEnv: 'ANTHROPIC_API_KEY',
    authHeader: 'x-api-key',
    docs: 'https://docs.anthropic.com/en/api/messages',
  },
  gemini: {
    kind: 'gemini',
    baseUrl: 'https://generativelanguage.googleapis.com',
    chatPath: '/v1beta/models',
    apiKeyEnv: 'GEMINI_API_KEY',
    authHeader: 'x-goog-api-key',
    docs: 'https://ai.google.dev/api/generate-content',
  },
} satisfies Record<string, ProviderPreset>;

export type PresetId = keyof typeof PROVIDER_PRESETS;

export function isPresetId(id: string): id is PresetId {
  return Object.prototype.hasOwnProperty.call(PROVIDER_PRESETS, id);
}

export interface PresetOverrides extends Partial<Omit<ProviderSettings, 'kind'>> {
  /** Values for `{placeholders}` in the preset's URL (Azure: resource, deployment, apiVersion). */
  variables?: Record<string, string>;
  /** Fields to drop in addition to the preset's own. */
  extraDropFields?: string[];
}

/**
 * A preset plus overrides -> ProviderSettings. Pure: the environment is passed in (the config loader
 * owns `process.env`); the key comes from `overrides.apiKey`, else from `env[preset.apiKeyEnv]`.
 */
export function resolvePreset(presetId: string, overrides: PresetOverrides = {}, env: Readonly<Record<string, string | undefined>> = {}): ProviderSettings {
  if (!isPresetId(presetId)) throw new Error(`Unknown provider preset "${presetId}". Known: ${Object.keys(PROVIDER_PRESETS).join(', ')}.`);
  const preset: ProviderPreset = PROVIDER_PRESETS[presetId];
  const variables = { ...preset.variables, ...overrides.variables };
  const fill = (template: string, field: string) =>
    template.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = variables[name];
      if (value === undefined) throw new Error(`Provider preset "${presetId}" needs variables.${name} for its ${field}.`);
      return encodeURIComponent(value);
    });
  const apiKey = overrides.apiKey ?? (preset.apiKeyEnv ? env[preset.apiKeyEnv] : undefined);
  const chatPath = overrides.chatPath ?? preset.chatPath;
  const headers = { ...preset.headers, ...overrides.headers };
  const dropFields = overrides.dropFields ?? [...(preset.dropFields ?? []), ...(overrides.extraDropFields ?? [])];
  const renameFields = { ...preset.renameFields, ...overrides.renameFields };
  const toolForms = overrides.toolForms ?? preset.toolForms ?? [];
  return {
    id: overrides.id ?? presetId,
    kind: preset.kind,
    baseUrl: fill(overrides.baseUrl ?? preset.baseUrl, 'baseUrl'),
    ...(apiKey ? { apiKey } : {}),
    ...(overrides.authHeader ?? preset.authHeader ? { authHeader: overrides.authHeader ?? preset.authHeader } : {}),
    ...(chatPath ? { chatPath: fill(chatPath, 'chatPath') } : {}),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(dropFields.length > 0 ? { dropFields: [...new Set(dropFields)] } : {}),
    ...(Object.keys(renameFields).length > 0 ? { renameFields } : {}),
    ...(toolForms.length > 0 ? { toolForms } : {}),
  };
}
