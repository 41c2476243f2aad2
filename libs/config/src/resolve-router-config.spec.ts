import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { loadConfig, parseRouterConfig } from './load-config';

function writeConfig(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'router.yaml');
  writeFileSync(path, text);
  return path;
}

function problemsOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.join('\n');
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const keys = { ANTHROPIC_API_KEY: 'a-key', GEMINI_API_KEY: 'g-key', OPENAI_API_KEY: 'o-key' };

describe('providers from presets and models from the catalog', () => {
  it('fills a provider from its preset, each field overridable', () => {
    const config = loadConfig({
      ...keys,
      ROUTER_CONFIG: writeConfig(`
providers:
  - { id: claude, preset: anthropic, base_url: "http://127.0.0.1:9" }
  - { id: google, preset: gemini }
  - { id: ds, preset: deepseek, api_key_env: MY_DS_KEY, drop_fields: [user] }
  - { id: ollama, preset: ollama }
`),
      MY_DS_KEY: 'd-key',
    });
    const [claude, google, ds, ollama] = config.providers;
    expect(claude).toEqual(expect.objectContaining({ id: 'claude', kind: 'anthropic', baseUrl: 'http://127.0.0.1:9', apiKey: 'a-key', authHeader: 'x-api-key', chatPath: '/v1/messages' }));
    expect(google).toEqual(expect.objectContaining({ kind: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com', apiKey: 'g-key', authHeader: 'x-goog-api-key' }));
    expect(ds).toEqual(expect.objectContaining({ kind: 'openai-compatible', baseUrl: 'https://api.deepseek.com/v1', apiKey: 'd-key', dropFields: ['user'] }));
    // A local server needs no key.
    expect(ollama).toEqual(expect.objectContaining({ kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' }));
    expect(ollama.apiKey).toBeUndefined();
  });

  it("takes the tool forms a host accepts from its preset or from tool_forms", () => {
    const config = loadConfig({
      ...keys,
      ROUTER_CONFIG: writeConfig(`
providers:
  - { id: oai, preset: openai }
  - { id: local, kind: openai-compatible, base_url: "http://127.0.0.1:8000/v1", tool_forms: [allowed_tools] }
  - { id: proxy, preset: openai, base_url: "http://127.0.0.1:9/v1", tool_forms: [] }
`),
    });
    expect(config.providers.map((p) => p.toolForms)).toEqual([['allowed_tools', 'custom_tools'], ['allowed_tools'], undefined]);
    expect(problemsOf(() => parseRouterConfig('providers: [{ id: x, kind: openai-compatible, base_url: "http://x", tool_forms: [grammar] }]', 't'))).toMatch(/providers\.0\.tool_forms\.0/);
  });

  it("requires the preset's key variable, and reports unknown presets and missing variables", () => {
    expect(problemsOf(() => loadConfig({ ROUTER_CONFIG: writeConfig('providers: [{ id: claude, preset: anthropic }]') }))).toContain(
      'providers.0.api_key_env: environment variable ANTHROPIC_API_KEY is not set',
    );
    expect(problemsOf(() => parseRouterConfig('providers: [{ id: x, preset: nowhere }]', 't'))).toMatch(/providers\.0\.preset: unknown preset "nowhere"; known: openai, azure/);
    expect(problemsOf(() => parseRouterConfig('providers: [{ id: x, kind: openai-compatible }]', 't'))).toContain('providers.0.base_url: give a base_url (or a preset)');
    expect(problemsOf(() => parseRouterConfig('providers: [{ id: az, preset: azure }]', 't'))).toMatch(/providers\.0\.variables: .*needs variables\.resource/);
  });

  it("takes the catalog's long-prompt tier with its prices, not under a negotiated price; a configured tier wins", () => {
    const config = loadConfig({
      ...keys,
      GEMINI_API_KEY: 'g',
      ROUTER_CONFIG: writeConfig(`
providers:
  - { id: google, preset: gemini }
models:
  - { id: pro, catalog: gemini-2.5-pro }
  - { id: pro-deal, catalog: gemini-2.5-pro, input_per_1m: 1 }
  - { id: pro-own, catalog: gemini-2.5-pro, long_context: { above_prompt_tokens: 128000, input_per_1m: 2, output_per_1m: 12 } }
  - { id: flash, catalog: gemini-2.5-flash }
`),
    });
    expect(config.models.get('pro')?.longContext).toEqual({ abovePromptTokens: 200_000, inputPer1M: 2.5, outputPer1M: 15, cachedInputPer1M: 0.25 });
    expect(config.models.get('pro-deal')?.longContext).toBeUndefined();
    expect(config.models.get('pro-own')?.longContext).toEqual({ abovePromptTokens: 128_000, inputPer1M: 2, outputPer1M: 12 });
    expect(config.models.get('flash')?.longContext).toBeUndefined();
  });

  it("takes the catalog's token_scale for its upstream only; a configured one wins", () => {
    const config = loadConfig({
      ...keys,
      ROUTER_CONFIG: writeConfig(`
providers:
  - { id: claude, preset: anthropic }
models:
  - { id: s55, catalog: claude-sonnet-5-5 }
  - { id: s55-other, catalog: claude-sonnet-5-5, upstream: claude-sonnet-4-5 }
  - { id: s55-own, catalog: claude-sonnet-5-5, token_scale: 1.1 }
  - { id: s46, catalog: claude-sonnet-4-6 }
`),
    });
    expect(['s55', 's55-other', 's55-own', 's46'].map((id) => config.models.get(id)?.tokenScale)).toEqual([1.3, undefined, 1.1, undefined]);
  });

  it("takes the catalog's thinking for its upstream only; a configured one wins; a hand-written model has none", () => {
    const config = loadConfig({
      ...keys,
      ROUTER_CONFIG: writeConfig(`
providers:
  - { id: claude, preset: anthropic }
models:
  - { id: o55, catalog: claude-opus-5-5 }
  - { id: o55-other, catalog: claude-opus-5-5, upstream: claude-opus-4-1 }
  - { id: h45, catalog: claude-haiku-4-5 }
  - { id: h45-thinking, catalog: claude-haiku-4-5, thinking: always }
  - { id: raw, provider: claude, upstream: claude-opus-5-5, input_per_1m: 4, output_per_1m: 20, context_window: 1000000 }
`),
    });
    expect(['o55', 'o55-other', 'h45', 'h45-thinking', 'raw'].map((id) => config.models.get(id)?.thinking)).toEqual(['always', undefined, 'off', 'always', undefined]);
  });

  it("takes a Claude model's thinking_display, and refuses it on another provider's model", () => {
    const config = loadConfig({
      ...keys,
      ROUTER_CONFIG: writeConfig(`
providers:
  - { id: claude, preset: anthropic }
models:
  - { id: o55, catalog: claude-opus-5-5, thinking_display: summarized }
  - { id: h45, catalog: claude-haiku-4-5 }
`),
    });
    expect(['o55', 'h45'].map((id) => config.models.get(id)?.thinkingDisplay)).toEqual(['summarized', undefined]);
    const problems = (models: string) => problemsOf(() => loadConfig({ ...keys, ROUTER_CONFIG: writeConfig(`\nproviders:\n  - { id: oai, preset: openai }\nmodels:\n${models}\n`) }));
    expect(problems('  - { id: mini, catalog: gpt-4o-mini, thinking_display: summarized }')).toContain(
      'models.0.thinking_display: model "mini": thinking_display is Claude\'s (provider kind anthropic); provider "oai" is kind openai-compatible',
    );
    expect(problems('  - { id: mini, catalog: gpt-4o-mini, thinking_display: shown }')).toContain('models.0.thinking_display:');
  });

  it('takes provider, upstream, prices, context window and capabilities from the catalog; explicit fields win', () => {
    const config = loadConfig({
      ...keys,
      ROUTER_CONFIG: writeConfig(`
providers:
  - { id: claude, preset: anthropic }
  - { id: oa, preset: openai }
models:
  - { id: sonnet, catalog: claude-sonnet-4 }
  - { id: mini, catalog: gpt-4o-mini, input_per_1m: 0.1, capabilities: { vision: false } }
`),
    });
    expect(config.models.get('sonnet')).toEqual(
      expect.objectContaining({
        providerId: 'claude',
        upstream: 'claude-sonnet-4-20250514',
        inputPer1M: 3,
        outputPer1M: 15,
        cachedInputPer1M: 0.3,
        contextWindow: 200000,
        capabilities: { tools: true, vision: true, json_schema: true, reasoning: true, forced_tool_choice: true, assistant_prefill: true },
        tokenizer: 'estimate',
        family: 'anthropic',
      }),
    );
    expect(config.models.get('mini')).toEqual(
      expect.objectContaining({ providerId: 'oa', upstream: 'gpt-4o-mini', inputPer1M: 0.1, outputPer1M: 0.6, cachedInputPer1M: 0.075, tokenizer: 'o200k_base' }),
    );
    expect(config.models.get('mini')?.capabilities).toEqual({ tools: true, vision: false, json_schema: true, reasoning: false, forced_tool_choice: true, assistant_prefill: true });
  });

  it('reports an unknown catalog id, a catalog model without a matching provider, and missing fields', () => {
    const text = problemsOf(() =>
      parseRouterConfig(
        `
providers:
  - { id: oa, preset: openai }
  - { id: local, kind: openai-compatible, base_url: "http://127.0.0.1:1/v1" }
models:
  - { id: a, catalog: gpt-9 }
  - { id: b, catalog: claude-sonnet-4 }
  - { id: c, provider: local, upstream: c }
`,
        't',
      ),
    );
    expect(text).toMatch(/models\.0\.catalog: unknown catalog model "gpt-9"/);
    expect(text).toContain('models.1.provider: catalog model "claude-sonnet-4" needs a provider with preset: anthropic');
    expect(text).toContain('models.2.input_per_1m: required (or give a catalog id)');
    expect(text).toContain('models.2.context_window: required (or give a catalog id)');
  });

  it('gives hand-written models permissive capabilities and counts OpenAI names exactly', () => {
    const file = parseRouterConfig(
      `
providers: [{ id: p, kind: openai-compatible, base_url: "http://127.0.0.1:1/v1" }]
models:
  - { id: a, provider: p, upstream: gpt-4.1-mini, input_per_1m: 1, output_per_1m: 1, context_window: 1000 }
  - { id: b, provider: p, upstream: llama3, input_per_1m: 1, output_per_1m: 1, context_window: 1000, capabilities: { tools: false } }
`,
      't',
    );
    expect(file.models[0]).toMatchObject({ tokenizer: 'o200k_base', capabilities: { tools: true, vision: true, json_schema: true, reasoning: false }, family: 'openai-compatible' });
    expect(file.models[1]).toMatchObject({ tokenizer: 'estimate', capabilities: { tools: false, vision: true } });
  });
});

describe('prompt templates', () => {
  const yaml = `
providers: [{ id: p, kind: openai-compatible, base_url: "http://127.0.0.1:1/v1" }]
models:
  - { id: tiny, provider: p, upstream: t, input_per_1m: 1, output_per_1m: 1, context_window: 1000, family: small }
  - { id: mid, provider: p, upstream: m, input_per_1m: 1, output_per_1m: 1, context_window: 1000, family: small }
  - { id: big, provider: p, upstream: b, input_per_1m: 1, output_per_1m: 1, context_window: 1000 }
prompt_templates:
  - { name: small-brief, families: [small], system: "Be brief. {{system}}" }
  - { name: tiny-json, models: [tiny], transforms: [{ type: json_reminder }] }
`;

  it('attaches to each model its own template, else its family one; model-level wins', () => {
    const config = loadConfig({ ROUTER_CONFIG: writeConfig(yaml) });
    expect(config.models.get('tiny')?.promptTemplate).toEqual({ name: 'tiny-json', transforms: [{ type: 'json_reminder' }] });
    expect(config.models.get('mid')?.promptTemplate).toEqual({ name: 'small-brief', system: 'Be brief. {{system}}', transforms: [] });
    expect(config.models.get('big')?.promptTemplate).toBeUndefined();
  });

  it('reports templates for unknown models or with nothing to apply to', () => {
    const text = problemsOf(() => parseRouterConfig(yaml.replace('models: [tiny]', 'models: [ghost]'), 't'));
    expect(text).toContain('prompt_templates.1.models.0: unknown model "ghost"');
    expect(problemsOf(() => parseRouterConfig('prompt_templates: [{ name: x, system: hi }]', 't'))).toContain('a prompt template needs models or families');
    const badPattern = yaml.replace('transforms: [{ type: json_reminder }]', 'transforms: [{ type: replace, pattern: "(", with: "" }]');
    expect(problemsOf(() => parseRouterConfig(badPattern, 't'))).toMatch(/prompt_templates\.1\.transforms\.0\.pattern: Invalid regular expression/);
  });
});

describe('the default configuration', () => {
  it('enables every provider whose key variable is set, with catalog models and one auto route', () => {
    const config = loadConfig({ ANTHROPIC_API_KEY: 'a', GEMINI_API_KEY: 'g', DEEPSEEK_API_KEY: 'd', MISTRAL_API_KEY: 'm' });
    expect(config.providers.map((p) => [p.id, p.kind])).toEqual([
      ['anthropic', 'anthropic'],
      ['gemini', 'gemini'],
      ['deepseek', 'openai-compatible'],
      ['mistral', 'openai-compatible'],
    ]);
    expect(config.providers.find((p) => p.id === 'mistral')?.apiKey).toBe('m');
    const providersOfAuto = new Set(config.routes.get('auto')!.candidates.map((id) => config.models.get(id)!.providerId));
    expect(providersOfAuto).toEqual(new Set(['anthropic', 'gemini', 'deepseek', 'mistral']));
    expect(config.models.get('deepseek-chat')?.capabilities?.json_schema).toBe(false);
  });

  it('takes the current Claude Haiku and Sonnet, not the retired ones', () => {
    const config = loadConfig({ ANTHROPIC_API_KEY: 'a', GEMINI_API_KEY: 'g' });
    expect(config.routes.get('auto')?.candidates).toEqual(['claude-haiku-5-5', 'claude-sonnet-5-5', 'gemini-2.5-flash', 'gemini-2.5-pro']);
    expect(config.models.get('claude-sonnet-5-5')?.paramRules?.drop).toEqual(['temperature', 'top_p']);
    expect(config.models.get('claude-sonnet-5-5')?.capabilities?.forced_tool_choice).toBe(false);
    // Structured outputs (output_config.format) need no forced tool: the route's json_schema requests reach it.
    expect(config.models.get('claude-sonnet-5-5')?.capabilities?.json_schema).toBe(true);
    expect(config.models.get('claude-sonnet-5-5')?.tokenScale).toBe(1.3);
    expect(['claude-haiku-5-5', 'claude-sonnet-5-5'].map((id) => config.models.get(id)?.thinking)).toEqual(['off', 'always']);
    expect(['claude-haiku-5-5', 'claude-sonnet-5-5'].map((id) => config.models.get(id)?.shutdownDate)).toEqual([undefined, undefined]);
  });

  it('starts OpenAI at gpt-6-luna instead of gpt-4.1-nano, with the GPT-6 parameter rules', () => {
    const config = loadConfig({ OPENAI_API_KEY: 'o' });
    expect(config.routes.get('auto')?.candidates).toEqual(['gpt-6-luna', 'gpt-4o-mini', 'gpt-4.1-mini', 'gpt-4o']);
    expect(config.models.get('gpt-6-luna')).toMatchObject({
      inputPer1M: 0.1,
      outputPer1M: 0.5,
      cachedInputPer1M: 0.01,
      tokenizer: 'estimate',
      capabilities: { tools: false, vision: true, json_schema: true, reasoning: true },
      paramRules: { drop: ['temperature', 'top_p', 'logprobs', 'top_logprobs'], rename: { max_tokens: 'max_completion_tokens' } },
    });
  });
});

describe('config/router.example.yaml', () => {
  it('is a valid configuration', () => {
    const config = loadConfig({ ...keys, DEEPSEEK_API_KEY: 'd', ROUTER_CONFIG: join(__dirname, '..', '..', '..', 'config', 'router.example.yaml') });
    expect(config.routes.get('auto')?.candidates).toContain('sonnet');
    expect(config.models.get('sonnet')).toMatchObject({ inputPer1M: 2.7, outputPer1M: 15, providerId: 'anthropic' });
    expect(config.models.get('qwen-local')?.promptTemplate?.name).toBe('small-brief');
    expect(config.models.get('deepseek-chat')?.promptTemplate?.name).toBe('deepseek-json');
    expect(config.embeddingRoutes.get('docs')).toMatchObject({ model: 'text-embedding-3-small', budgetUsdPerDay: 5 });
    expect(config.embeddingModels.get('gemini-embedding-001')).toMatchObject({ providerId: 'gemini', inputPer1M: 0.15 });
  });
});

describe('embedding models and embedding routes', () => {
  const load = (text: string) => loadConfig({ ...keys, ROUTER_CONFIG: writeConfig(text) });
  const base = `
providers:
  - { id: openai, preset: openai }
  - { id: azure-like, kind: openai-compatible, base_url: "https://embed.example.com/v1", embeddings_path: /vectors, api_key_env: OPENAI_API_KEY }
  - { id: gemini, preset: gemini }
  - { id: anthropic, preset: anthropic }
models:
  - { id: mini, catalog: gpt-4o-mini }
  - { id: text-embedding-3-small, catalog: text-embedding-3-small, provider: openai }
  - { id: small-elsewhere, catalog: text-embedding-3-small, provider: azure-like, upstream: my-deployment }
  - { id: gemini-embedding-001, catalog: gemini-embedding-001 }
  - { id: local-embed, type: embedding, provider: azure-like, upstream: nomic, input_per_1m: 0.01, dimensions: 768 }
routes:
  - { name: auto, candidates: [mini] }
`;

  it('fills an embedding model from the catalog and keeps it out of the chat models', () => {
    const config = load(`${base}embedding_routes:\n  - { name: docs, model: text-embedding-3-small, fallbacks: [small-elsewhere] }\n`);
    expect([...config.models.keys()]).toEqual(['mini']);
    expect(config.embeddingModels.get('text-embedding-3-small')).toEqual({
      id: 'text-embedding-3-small', providerId: 'openai', upstream: 'text-embedding-3-small', inputPer1M: 0.02, maxInputTokens: 8191, dimensions: 1536, minDimensions: 1, catalogId: 'text-embedding-3-small',
      timeouts: { firstByteMs: undefined, idleMs: undefined, totalMs: undefined, connectMs: undefined },
    });
    // Another upstream name: the catalog's price stays, its sizes describe the catalog's upstream only.
    expect(config.embeddingModels.get('small-elsewhere')).toMatchObject({ upstream: 'my-deployment', inputPer1M: 0.02, catalogId: 'text-embedding-3-small' });
    expect(config.embeddingModels.get('small-elsewhere')?.dimensions).toBeUndefined();
    expect(config.embeddingModels.get('gemini-embedding-001')).toMatchObject({ providerId: 'gemini', inputPer1M: 0.15, dimensions: 3072, minDimensions: 128, maxInputTokens: 2048 });
    expect(config.embeddingModels.get('local-embed')).toMatchObject({ inputPer1M: 0.01, dimensions: 768 });
    expect(config.embeddingModels.get('local-embed')?.minDimensions).toBeUndefined();
    expect(config.embeddingRoutes.get('docs')).toEqual({ name: 'docs', model: 'text-embedding-3-small', fallbacks: ['small-elsewhere'], retries: 2 });
    expect(config.providers.find((p) => p.id === 'azure-like')?.embeddingsPath).toBe('/vectors');
  });

  it('refuses, all at once: an embedding model as a chat candidate, a chat model pinned, another model as a fallback, a provider without embeddings, name clashes', () => {
    const bad = `${base.replace('candidates: [mini]', 'candidates: [mini, text-embedding-3-small]')}
  - { name: docs, candidates: [mini] }
embedding_routes:
  - { name: docs, model: mini }
  - { name: rag, model: text-embedding-3-small, fallbacks: [gemini-embedding-001, local-embed] }
  - { name: mini, model: local-embed }
`;
    const withClaude = bad.replace('models:\n', 'models:\n  - { id: claude-embed, type: embedding, provider: anthropic, upstream: x, input_per_1m: 1 }\n');
    const problems = problemsOf(() => load(withClaude));
    expect(problems).toContain('routes.0.candidates.1: "text-embedding-3-small" is an embedding model');
    expect(problems).toContain('embedding_routes.0.model: "mini" is a chat model');
    expect(problems).toContain('embedding_routes.0.name: embedding route name "docs" is also a route name');
    expect(problems).toContain('embedding_routes.1.fallbacks.0: fallback "gemini-embedding-001" must name the same catalog model as "text-embedding-3-small" (catalog: text-embedding-3-small)');
    expect(problems).toContain('embedding_routes.1.fallbacks.1: fallback "local-embed" must name the same catalog model');
    expect(problems).toContain('embedding_routes.2.name: embedding route name "mini" is also a model id');
    expect(problems).toContain('models.0.provider: embedding model "claude-embed": provider "anthropic" (kind anthropic) has no embeddings API');
  });

  it('an embedding model by hand needs its provider, upstream and input price; no output price', () => {
    const problems = problemsOf(() => load(base.replace('{ id: local-embed, type: embedding, provider: azure-like, upstream: nomic, input_per_1m: 0.01, dimensions: 768 }', '{ id: local-embed, type: embedding, provider: azure-like }')));
    expect(problems).toContain('models.4.upstream: required for an embedding model');
    expect(problems).toContain('models.4.input_per_1m: required for an embedding model');
    expect(problems).not.toContain('output_per_1m');
  });

  it('the default configuration serves the catalog embedding models of the enabled keys, outside the auto route', () => {
    const config = loadConfig({ OPENAI_API_KEY: 'o', GEMINI_API_KEY: 'g', ANTHROPIC_API_KEY: 'a' });
    expect([...config.embeddingModels.keys()]).toEqual(['text-embedding-3-small', 'text-embedding-3-large', 'gemini-embedding-001']);
    expect(config.routes.get('auto')?.candidates.some((c) => c.includes('embedding'))).toBe(false);
  });
});
