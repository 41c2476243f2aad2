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

const valid = `
providers:
  - { id: local, kind: openai-compatible, base_url: "http://127.0.0.1:9/v1", api_key_env: LOCAL_KEY }
models:
  - { id: small, provider: local, upstream: s, input_per_1m: 0.1, output_per_1m: 0.2, context_window: 8000 }
  - { id: big, provider: local, upstream: b, input_per_1m: 5, output_per_1m: 15, context_window: 128000 }
routes:
  - name: support
    candidates: [small, big]
    quality_floor: 0.9
    budget_usd_per_day: 3
    cost_weight: 50
    validators: [{ type: regex, pattern: "thanks" }]
`;

describe('loadConfig', () => {
  it('builds typed providers, models and routes from the YAML file', () => {
    const config = loadConfig({ ROUTER_CONFIG: writeConfig(valid), LOCAL_KEY: 'k', GATEWAY_API_KEYS: 'secret-one, secret-two' });
    expect(config.providers).toEqual([expect.objectContaining({ id: 'local', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k' })]);
    expect(config.models.get('big')).toMatchObject({ providerId: 'local', inputPer1M: 5, outputPer1M: 15 });
    expect(config.routes.get('support')).toMatchObject({ candidates: ['small', 'big'], qualityFloor: 0.9, discount: 0.9999, budgetUsdPerDay: 3, costWeight: 50 });
    expect(config.gatewayKeyHashes).toHaveLength(2);
    expect(config.gatewayKeyHashes.join()).not.toContain('secret');
    expect(config.inlineWorker).toBe(true);
  });

  it("gives a route without `discount` the default memory, whichever its learner, and keeps one that is set", () => {
    const words = valid.replace('cost_weight: 50', 'cost_weight: 50\n    learner: hashed_words');
    const set = valid.replace('cost_weight: 50', 'cost_weight: 50\n    discount: 0.995');
    expect(loadConfig({ ROUTER_CONFIG: writeConfig(valid), LOCAL_KEY: 'k' }).routes.get('support')!.discount).toBe(0.9999);
    expect(loadConfig({ ROUTER_CONFIG: writeConfig(words), LOCAL_KEY: 'k' }).routes.get('support')!.discount).toBe(0.9999);
    expect(loadConfig({ ROUTER_CONFIG: writeConfig(set), LOCAL_KEY: 'k' }).routes.get('support')!.discount).toBe(0.995);
  });

  it('refuses a daily budget past what the budget counters hold (about 9 million USD)', () => {
    const huge = valid.replace('budget_usd_per_day: 3', 'budget_usd_per_day: 1e308');
    expect(() => loadConfig({ ROUTER_CONFIG: writeConfig(huge), LOCAL_KEY: 'k' })).toThrow(/routes\.0\.budget_usd_per_day: at most 9007199/);
    const largest = valid.replace('budget_usd_per_day: 3', 'budget_usd_per_day: 9007199');
    expect(loadConfig({ ROUTER_CONFIG: writeConfig(largest), LOCAL_KEY: 'k' }).routes.get('support')?.budgetUsdPerDay).toBe(9007199);
  });

  it('reads feedback_weight (0.5 unless set) and refuses one outside 0..1', () => {
    expect(loadConfig({ ROUTER_CONFIG: writeConfig(valid), LOCAL_KEY: 'k' }).routes.get('support')?.feedbackWeight).toBe(0.5);
    const weighted = valid.replace('cost_weight: 50', 'cost_weight: 50\n    feedback_weight: 1');
    expect(loadConfig({ ROUTER_CONFIG: writeConfig(weighted), LOCAL_KEY: 'k' }).routes.get('support')?.feedbackWeight).toBe(1);
    const bad = valid.replace('cost_weight: 50', 'cost_weight: 50\n    feedback_weight: 1.5');
    expect(() => loadConfig({ ROUTER_CONFIG: writeConfig(bad), LOCAL_KEY: 'k' })).toThrow(/routes\.0\.feedback_weight/);
  });

  it('reads relative_floor and context_prior_strength (unset unless set: the gateway picks 8 or 32 by safe exploration)', () => {
    const plain = loadConfig({ ROUTER_CONFIG: writeConfig(valid), LOCAL_KEY: 'k' }).routes.get('support');
    expect(plain?.contextPriorStrength).toBeUndefined();
    expect(plain?.relativeFloor).toBeUndefined();
    const set = valid.replace('cost_weight: 50', 'cost_weight: 50\n    relative_floor: 0.95\n    context_prior_strength: 2');
    expect(loadConfig({ ROUTER_CONFIG: writeConfig(set), LOCAL_KEY: 'k' }).routes.get('support')).toMatchObject({ relativeFloor: 0.95, contextPriorStrength: 2 });
  });

  it('reads learner (prompt_contexts unless set) and refuses an unknown one', () => {
    expect(loadConfig({ ROUTER_CONFIG: writeConfig(valid), LOCAL_KEY: 'k' }).routes.get('support')?.learner).toBe('prompt_contexts');
    const words = valid.replace('cost_weight: 50', 'cost_weight: 50\n    learner: hashed_words');
    expect(loadConfig({ ROUTER_CONFIG: writeConfig(words), LOCAL_KEY: 'k' }).routes.get('support')?.learner).toBe('hashed_words');
    const bad = valid.replace('cost_weight: 50', 'cost_weight: 50\n    learner: neural');
    expect(() => loadConfig({ ROUTER_CONFIG: writeConfig(bad), LOCAL_KEY: 'k' })).toThrow(/routes\.0\.learner/);
  });

  it("reads a model's drop_params and rename_params, and refuses a parameter that may not be dropped", () => {
    const adapted = valid.replace('context_window: 8000 }', 'context_window: 8000, drop_params: [temperature, top_p], rename_params: { max_tokens: max_completion_tokens } }');
    const models = loadConfig({ ROUTER_CONFIG: writeConfig(adapted), LOCAL_KEY: 'k' }).models;
    expect(models.get('small')?.paramRules).toEqual({ drop: ['temperature', 'top_p'], rename: { max_tokens: 'max_completion_tokens' } });
    expect(models.get('big')?.paramRules).toBeUndefined();
    const bad = valid.replace('context_window: 8000 }', 'context_window: 8000, drop_params: [messages] }');
    expect(() => loadConfig({ ROUTER_CONFIG: writeConfig(bad), LOCAL_KEY: 'k' })).toThrow(/models\.0\.drop_params\.0/);
  });

  it('reads floor_confidence: a number, `auto` (gated by the score delay), else off; refuses auto with the word learner', () => {
    const read = (extra: string) => loadConfig({ ROUTER_CONFIG: writeConfig(valid.replace('cost_weight: 50', `cost_weight: 50${extra}`)), LOCAL_KEY: 'k' }).routes.get('support');
    const unset = read('');
    expect(unset?.gatedSafeExploration).toBeUndefined();
    expect(unset?.floorConfidence).toBeUndefined();
    const set = read('\n    floor_confidence: 0.85');
    expect(set?.floorConfidence).toBe(0.85);
    expect(set?.gatedSafeExploration).toBeUndefined();
    const auto = read('\n    floor_confidence: auto');
    expect(auto?.floorConfidence).toBeUndefined();
    expect(auto?.gatedSafeExploration).toBe(true);
    expect(() => read('\n    floor_confidence: auto\n    learner: hashed_words')).toThrow(/floor_confidence: auto is for learner: prompt_contexts/);
    expect(() => read('\n    floor_confidence: on')).toThrow(/routes\.0\.floor_confidence/);
    expect(() => read('\n    floor_confidence: auto\n    strict_floor: true')).toThrow(/strict_floor needs floor_confidence/);
    expect(() => read('\n    floor_confidence: auto\n    explore_cheaper_share: 0.2')).toThrow(/explore_cheaper_share needs floor_confidence/);
  });

  it('reads strict_floor (off unless set) and refuses it without floor_confidence', () => {
    expect(loadConfig({ ROUTER_CONFIG: writeConfig(valid), LOCAL_KEY: 'k' }).routes.get('support')?.strictFloor).toBeUndefined();
    const strict = valid.replace('cost_weight: 50', 'cost_weight: 50\n    floor_confidence: 0.9\n    strict_floor: true');
    expect(loadConfig({ ROUTER_CONFIG: writeConfig(strict), LOCAL_KEY: 'k' }).routes.get('support')).toMatchObject({ floorConfidence: 0.9, strictFloor: true });
    const alone = valid.replace('cost_weight: 50', 'cost_weight: 50\n    strict_floor: true');
    expect(() => loadConfig({ ROUTER_CONFIG: writeConfig(alone), LOCAL_KEY: 'k' })).toThrow(/routes\.0\.strict_floor: route "support": strict_floor needs floor_confidence/);
  });

  it('reads explore_cheaper_share (off unless set, 0 is off), refuses it without floor_confidence or above 0.5', () => {
    expect(loadConfig({ ROUTER_CONFIG: writeConfig(valid), LOCAL_KEY: 'k' }).routes.get('support')?.exploreCheaperShare).toBeUndefined();
    const on = valid.replace('cost_weight: 50', 'cost_weight: 50\n    floor_confidence: 0.8\n    explore_cheaper_share: 0.3');
    expect(loadConfig({ ROUTER_CONFIG: writeConfig(on), LOCAL_KEY: 'k' }).routes.get('support')).toMatchObject({ floorConfidence: 0.8, exploreCheaperShare: 0.3 });
    const zero = valid.replace('cost_weight: 50', 'cost_weight: 50\n    floor_confidence: 0.8\n    explore_cheaper_share: 0');
    expect(loadConfig({ ROUTER_CONFIG: writeConfig(zero), LOCAL_KEY: 'k' }).routes.get('support')?.exploreCheaperShare).toBeUndefined();
    const alone = valid.replace('cost_weight: 50', 'cost_weight: 50\n    explore_cheaper_share: 0.3');
    expect(() => loadConfig({ ROUTER_CONFIG: writeConfig(alone), LOCAL_KEY: 'k' })).toThrow(
      /routes\.0\.explore_cheaper_share: route "support": explore_cheaper_share needs floor_confidence/,
    );
    const high = valid.replace('cost_weight: 50', 'cost_weight: 50\n    floor_confidence: 0.8\n    explore_cheaper_share: 0.6');
    expect(() => loadConfig({ ROUTER_CONFIG: writeConfig(high), LOCAL_KEY: 'k' })).toThrow(/routes\.0\.explore_cheaper_share/);
  });

  it('reads a route judge (sample_rate 0.1, weight 0.5, max_tokens 256 unless set) and refuses an unknown model or a rate outside 0..1, listing both', () => {
    expect(loadConfig({ ROUTER_CONFIG: writeConfig(valid), LOCAL_KEY: 'k' }).routes.get('support')?.judge).toBeUndefined();
    const judged = valid.replace('cost_weight: 50', 'cost_weight: 50\n    judge: { model: big, rubric: "Polite and correct." }');
    expect(loadConfig({ ROUTER_CONFIG: writeConfig(judged), LOCAL_KEY: 'k' }).routes.get('support')?.judge).toEqual({ modelId: 'big', sampleRate: 0.1, weight: 0.5, maxTokens: 256, rubric: 'Polite and correct.' });
    const bad = valid.replace('cost_weight: 50', 'cost_weight: 50\n    judge: { model: ghost, sample_rate: 1.5, weight: -0.1 }');
    let error: ConfigError | undefined;
    try {
      loadConfig({ ROUTER_CONFIG: writeConfig(bad), LOCAL_KEY: 'k' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error!.problems.join('\n');
    expect(text).toMatch(/routes\.0\.judge\.model: unknown model "ghost"/);
    expect(text).toContain('routes.0.judge.sample_rate');
    expect(text).toContain('routes.0.judge.weight');
    // The reference check runs on a file that passes its schema too.
    const unknownOnly = valid.replace('cost_weight: 50', 'cost_weight: 50\n    judge: { model: ghost }');
    expect(() => loadConfig({ ROUTER_CONFIG: writeConfig(unknownOnly), LOCAL_KEY: 'k' })).toThrow(/routes\.0\.judge\.model: unknown model "ghost"/);
  });

  it('lists every problem with its path', () => {
    const path = writeConfig(`
providers:
  - { id: local, kind: openai-compatible, base_url: "not a url" }
models:
  - { id: small, provider: nowhere, upstream: s, input_per_1m: -1, output_per_1m: 0.2, context_window: 8000 }
routes:
  - { name: r, candidates: [small, ghost], quality_floor: 2 }
`);
    let error: ConfigError | undefined;
    try {
      loadConfig({ ROUTER_CONFIG: path, PORT: 'abc' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error!.problems.join('\n');
    expect(text).toContain('providers.0.base_url');
    expect(text).toContain('models.0.input_per_1m');
    expect(text).toContain('routes.0.quality_floor');
    expect(text).toContain('env PORT');
  });

  it.each([
    ['PORT', '0x1F90'],
    ['PORT', ''],
    ['PORT', ' 8080 '],
    ['PORT', '8e3'],
    ['BODY_LIMIT_BYTES', '4e6'],
    ['STATS_REFRESH_MS', '+500'],
    ['WORKER_CONCURRENCY', '6.0'],
    ['RECORD_FLUSH_MS', '0b11'],
  ])('refuses %s=%j: whole-number settings are decimal digits', (name, value) => {
    expect(() => loadConfig({ ROUTER_CONFIG: writeConfig(valid), LOCAL_KEY: 'k', [name]: value })).toThrow(`env ${name}: must be a whole number in decimal digits`);
  });

  it('reads whole-number settings in decimal digits, and defaults them when unset', () => {
    const config = loadConfig({ ROUTER_CONFIG: writeConfig(valid), LOCAL_KEY: 'k', PORT: '08081', BODY_LIMIT_BYTES: '65536' });
    expect(config).toMatchObject({ port: 8081, bodyLimitBytes: 65_536 });
    expect(loadConfig({ ROUTER_CONFIG: writeConfig(valid), LOCAL_KEY: 'k' })).toMatchObject({ port: 8080, bodyLimitBytes: 4 * 1024 * 1024 });
    expect(() => loadConfig({ ROUTER_CONFIG: writeConfig(valid), LOCAL_KEY: 'k', PORT: '70000' })).toThrow('env PORT');
  });

  it('reports cross-references and missing key variables', () => {
    const path = writeConfig(valid.replace('candidates: [small, big]', 'candidates: [small, huge]'));
    expect(() => loadConfig({ ROUTER_CONFIG: path, LOCAL_KEY: 'k' })).toThrow(/routes\.0\.candidates\.1: unknown model "huge"/);
    expect(() => loadConfig({ ROUTER_CONFIG: writeConfig(valid) })).toThrow(/providers\.0\.api_key_env: environment variable LOCAL_KEY is not set/);
  });

  it('refuses a provider kind no adapter serves, naming it and the known kinds (the provider registry threw at start-up, with a stack trace)', () => {
    const path = writeConfig(valid.replace('kind: openai-compatible', 'kind: openai-compatable'));
    expect(() => loadConfig({ ROUTER_CONFIG: path, LOCAL_KEY: 'k' })).toThrow(/providers\.0\.kind: unknown kind "openai-compatable"; known: openai-compatible, anthropic, gemini/);
  });

  it('lists schema, reference, kind and key-variable problems in one run, never a key value', () => {
    const path = writeConfig(`
providers:
  - { id: local, kind: openai-compatible, base_url: "http://127.0.0.1:9/v1", api_key_env: MISSING_KEY }
  - { id: odd, kind: bogus-kind, base_url: "http://127.0.0.1:10/v1" }
  - { id: remote, kind: openai-compatible, base_url: "https://api.example.com/v1", api_key_env: CANARY_KEY }
models:
  - { id: small, provider: nowhere, upstream: s, input_per_1m: 0.1, output_per_1m: 0.2, context_window: 8000 }
  - { id: big, provider: remote, upstream: b, input_per_1m: 5, output_per_1m: 15, context_window: 128000 }
routes:
  - name: support
    candidates: [small, big, huge]
    quality_floor: 1.5
`);
    let error: ConfigError | undefined;
    try {
      loadConfig({ ROUTER_CONFIG: path, CANARY_KEY: 'sk-SECRET-canary-123' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual([
      'routes.0.quality_floor: Number must be less than or equal to 1',
      'providers.1.kind: unknown kind "bogus-kind"; known: openai-compatible, anthropic, gemini',
      'models.0.provider: unknown provider "nowhere"',
      'routes.0.candidates.2: unknown model "huge"',
      'providers.0.api_key_env: environment variable MISSING_KEY is not set',
    ]);
    expect(error!.message).not.toContain('canary');
  });

  const constrained = `
providers:
  - { id: us, kind: openai-compatible, base_url: "http://127.0.0.1:9/v1" }
  - { id: eu, kind: openai-compatible, base_url: "http://127.0.0.1:10/v1" }
models:
  - { id: small, provider: us, upstream: s, input_per_1m: 0.1, output_per_1m: 0.4, context_window: 8000 }
  - { id: big, provider: us, upstream: b, input_per_1m: 10, output_per_1m: 30, context_window: 128000, expected_ttft_ms: 900 }
  - { id: eu-mid, provider: eu, upstream: m, input_per_1m: 1, output_per_1m: 3, context_window: 32000 }
routes:
  - name: support
    candidates: [small, big, eu-mid]
    quality_floor: 0.8
    max_ttft_ms: 1500
    tiers:
      free: { max_price_per_request_usd: 0.002, budget_usd_per_day: 5, cost_weight: 200 }
      eu: { allowed_providers: [eu], quality_floor: 0.9, max_ttft_ms: 800 }
`;

  it('builds route constraints, per-tier overrides on top of them, and price priors', () => {
    const config = loadConfig({ ROUTER_CONFIG: writeConfig(constrained) });
    const route = config.routes.get('support')!;
    expect(route).toMatchObject({ qualityFloor: 0.8, maxTtftMs: 1500, maxUntriedShare: 0.1 });
    expect(route.allowedProviders).toBeUndefined();
    expect(route.tiers?.get('free')).toEqual({ name: 'free', qualityFloor: 0.8, maxTtftMs: 1500, maxPriceUsdPerRequest: 0.002, budgetUsdPerDay: 5, costWeight: 200 });
    expect(route.tiers?.get('eu')).toEqual({ name: 'eu', qualityFloor: 0.9, maxTtftMs: 800, allowedProviders: ['eu'] });
    expect(route.priorQuality!.small).toBeCloseTo(0.5, 9);
    expect(route.priorQuality!.big).toBeCloseTo(0.8, 9);
    expect(route.priorQuality!['eu-mid']).toBeGreaterThan(0.5);
    expect(route.priorQuality!['eu-mid']).toBeLessThan(0.8);
    expect(config.models.get('big')?.expectedTtftMs).toBe(900);
    const noPrior = loadConfig({ ROUTER_CONFIG: writeConfig(constrained.replace('quality_floor: 0.8\n', 'quality_floor: 0.8\n    price_prior: false\n')) });
    expect(noPrior.routes.get('support')?.priorQuality).toBeUndefined();
  });

  it('refuses a route or tier whose allowed providers serve none of its candidates, saying which', () => {
    const routeWide = constrained.replace('max_ttft_ms: 1500', 'max_ttft_ms: 1500\n    allowed_providers: [eu]').replace('eu: { allowed_providers: [eu]', 'eu: { allowed_providers: [us]');
    expect(() => loadConfig({ ROUTER_CONFIG: writeConfig(routeWide) })).not.toThrow();
    const none = constrained.replace('max_ttft_ms: 1500', 'max_ttft_ms: 1500\n    allowed_providers: [nowhere]');
    expect(() => loadConfig({ ROUTER_CONFIG: writeConfig(none) })).toThrow(/routes\.0\.allowed_providers\.0: unknown provider "nowhere"/);
    expect(() => loadConfig({ ROUTER_CONFIG: writeConfig(none) })).toThrow(/route "support" allows providers \[nowhere\] but none of its candidates is served by them \(they use: us, eu\)/);
    const tierOnly = constrained.replace('models:', 'models:\n  - { id: other, provider: other, upstream: o, input_per_1m: 1, output_per_1m: 1, context_window: 8000 }').replace('providers:', 'providers:\n  - { id: other, kind: openai-compatible, base_url: "http://127.0.0.1:11/v1" }').replace('allowed_providers: [eu]', 'allowed_providers: [other]');
    expect(() => loadConfig({ ROUTER_CONFIG: writeConfig(tierOnly) })).toThrow(/routes\.0\.tiers\.eu\.allowed_providers: tier "eu" of route "support" allows providers \[other\] but none of its candidates/);
  });

  it('refuses explicit fallbacks on a provider the route or one of its tiers does not allow', () => {
    const fallbacks = constrained.replace('max_ttft_ms: 1500', 'max_ttft_ms: 1500\n    failover: { fallbacks: [eu-mid, small] }');
    expect(() => loadConfig({ ROUTER_CONFIG: writeConfig(fallbacks) })).toThrow(/routes\.0\.failover\.fallbacks\.1: fallback "small" is served by provider "us", which tier "eu" does not allow/);
  });

  it('reports YAML syntax errors with a line', () => {
    expect(() => parseRouterConfig('routes: [\n  - a: b\n', 'test')).toThrow(ConfigError);
  });

  it('enables well-known providers from their key variables when no file is given', () => {
    expect(loadConfig({}).routes.size).toBe(0);
    const config = loadConfig({ OPENAI_API_KEY: 'sk-test' });
    expect(config.routes.get('auto')?.candidates.length).toBeGreaterThan(1);
    expect(config.providers[0]).toMatchObject({ id: 'openai', apiKey: 'sk-test' });
  });
});
