import type { ModelSpec, RouteSpec } from '../../../../libs/config/src';
import { GatewayError, seededRandom, type ChatRequest } from '../../../../libs/core/src';
import { missingCapability, requiredCapabilities } from './capabilities';
import { callPriceUsd, costUsd } from '../../../../libs/model-call/src';
import { estimatePromptTokens, promptTokensFor } from '../../../../libs/model-call/src';
import { planRoute } from './plan-route';

const all = { tools: true, vision: true, json_schema: true, reasoning: false, forced_tool_choice: true, assistant_prefill: true };
const spec = (id: string, extra: Partial<ModelSpec> = {}): ModelSpec => ({ id, providerId: 'p', upstream: id, inputPer1M: 1, outputPer1M: 2, contextWindow: 100_000, timeouts: {}, capabilities: all, ...extra });
const tool = { type: 'function' as const, function: { name: 'f', parameters: { type: 'object', properties: {} } } };
const image = { role: 'user' as const, content: [{ type: 'text' as const, text: 'what is this?' }, { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,AAAA' } }] };
const schemaFormat = { type: 'json_schema' as const, json_schema: { name: 'x', schema: { type: 'object' } } };
const request = (extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'r', messages: [{ role: 'user', content: 'hi' }], ...extra }) as ChatRequest;

describe('requiredCapabilities / missingCapability', () => {
  it('needs tools for tool definitions, vision for image parts, json_schema for that response format', () => {
    expect(requiredCapabilities(request())).toEqual([]);
    expect(requiredCapabilities(request({ tools: [tool] }))).toEqual(['tools']);
    expect(requiredCapabilities(request({ messages: [image] }))).toEqual(['vision']);
    expect(requiredCapabilities(request({ response_format: schemaFormat }))).toEqual(['json_schema']);
    expect(requiredCapabilities(request({ response_format: { type: 'json_object' } }))).toEqual([]);
  });

  it('needs forced_tool_choice when tool_choice forces a call: required, a named tool, allowed_tools in mode required', () => {
    const forced = [
      'required' as const,
      { type: 'function' as const, function: { name: 'f' } },
      { type: 'allowed_tools' as const, allowed_tools: { mode: 'required' as const, tools: [{ type: 'function' as const, function: { name: 'f' } }] } },
    ];
    for (const tool_choice of forced) {
      expect(requiredCapabilities(request({ tools: [tool], tool_choice } as Partial<ChatRequest>))).toEqual(['tools', 'forced_tool_choice']);
    }
    const free = [undefined, 'auto' as const, 'none' as const, { type: 'allowed_tools' as const, allowed_tools: { mode: 'auto' as const, tools: [{ type: 'function' as const, function: { name: 'f' } }] } }];
    for (const tool_choice of free) {
      expect(requiredCapabilities(request({ tools: [tool], ...(tool_choice ? { tool_choice } : {}) } as Partial<ChatRequest>))).toEqual(['tools']);
    }
    const noForcing = spec('m', { capabilities: { ...all, forced_tool_choice: false } });
    expect(missingCapability(request({ tools: [tool], tool_choice: 'required' }), noForcing)).toBe('capability:forced_tool_choice');
    expect(missingCapability(request({ tools: [tool], tool_choice: 'auto' }), noForcing)).toBeUndefined();
  });

  it('needs assistant_prefill when the conversation ends on an assistant message, and only then', () => {
    const prefill = [{ role: 'user' as const, content: 'Name a colour.' }, { role: 'assistant' as const, content: 'The colour is' }];
    expect(requiredCapabilities(request({ messages: prefill }))).toEqual(['assistant_prefill']);
    expect(requiredCapabilities(request({ messages: [...prefill, { role: 'user', content: 'Go on.' }] }))).toEqual([]);
    const noPrefill = spec('m', { capabilities: { ...all, assistant_prefill: false } });
    expect(missingCapability(request({ messages: prefill }), noPrefill)).toBe('capability:assistant_prefill');
    expect(missingCapability(request(), noPrefill)).toBeUndefined();
  });

  it('names the first capability the model lacks; a model without capabilities lacks none', () => {
    expect(missingCapability(request({ tools: [tool] }), spec('m', { capabilities: { ...all, tools: false } }))).toBe('capability:tools');
    expect(missingCapability(request({ tools: [tool] }), spec('m'))).toBeUndefined();
    expect(missingCapability(request({ messages: [image] }), spec('m', { capabilities: undefined }))).toBeUndefined();
  });
});

describe('planRoute with capabilities and per-model token counts', () => {
  const models = new Map<string, ModelSpec>([
    ['text-only', spec('text-only', { capabilities: { ...all, vision: false, json_schema: false }, inputPer1M: 0.1 })],
    ['no-tools', spec('no-tools', { capabilities: { ...all, tools: false } })],
    ['full', spec('full', { inputPer1M: 5 })],
  ]);
  const route: RouteSpec = { name: 'auto', candidates: ['text-only', 'no-tools', 'full'], qualityFloor: 0.8, discount: 0.99, validators: [], implicit: false };
  const plan = (req: ChatRequest, r: RouteSpec = route, m = models) =>
    planRoute({ route: r, models: m, request: req, promptTokens: estimatePromptTokens(req), arms: new Map(), spentTodayUsd: 0, random: seededRandom(3) });

  it('never ranks a model that lacks a capability the request needs', () => {
    expect(plan(request({ messages: [image] })).models.map((m) => m.id).sort()).toEqual(['full', 'no-tools']);
    expect(plan(request({ tools: [tool] })).models.map((m) => m.id).sort()).toEqual(['full', 'text-only']);
    const withSchema = plan(request({ tools: [tool], response_format: schemaFormat }));
    expect(withSchema.models.map((m) => m.id)).toEqual(['full']);
    expect(withSchema.decision.beliefs.find((b) => b.modelId === 'text-only')?.excludedBecause).toBe('capability:json_schema');
  });

  it('routes a forced tool call past models that refuse one, and says so when none takes it', () => {
    const forcing = new Map<string, ModelSpec>([
      ['no-forcing', spec('no-forcing', { capabilities: { ...all, forced_tool_choice: false }, inputPer1M: 0.1 })],
      ['full', spec('full', { inputPer1M: 5 })],
    ]);
    const both = { ...route, candidates: ['no-forcing', 'full'] };
    expect(plan(request({ tools: [tool], tool_choice: 'required' }), both, forcing).models.map((m) => m.id)).toEqual(['full']);
    expect(plan(request({ tools: [tool], tool_choice: 'auto' }), both, forcing).models.map((m) => m.id).sort()).toEqual(['full', 'no-forcing']);
    expect(() => plan(request({ tools: [tool], tool_choice: { type: 'function', function: { name: 'f' } } }), { ...route, candidates: ['no-forcing'] }, forcing)).toThrow(
      'This request needs a forced tool call (tool_choice required or naming a tool), but no model of route "auto" supports it (no-forcing lacks forced_tool_choice).',
    );
  });

  it('prices a long prompt at the long-context tier against the per-request price cap', () => {
    const tiered = new Map<string, ModelSpec>([
      ['tiered', spec('tiered', { inputPer1M: 0.1, outputPer1M: 0.5, contextWindow: 1_000_000, longContext: { abovePromptTokens: 100_000, inputPer1M: 0.5, outputPer1M: 2.5 } })],
      ['flat', spec('flat', { inputPer1M: 0.2, outputPer1M: 1, contextWindow: 1_000_000 })],
    ]);
    const capped = { ...route, candidates: ['tiered', 'flat'], maxPriceUsdPerRequest: 0.04 };
    // About 120,000 prompt tokens: 0.012 USD at the base price, 0.06 at the tier; flat costs 0.024.
    const long = request({ messages: [{ role: 'user', content: 'abcd'.repeat(120_000) }], max_tokens: 100 });
    const result = plan(long, capped, tiered);
    expect(result.models.map((m) => m.id)).toEqual(['flat']);
    expect(result.decision.beliefs.find((b) => b.modelId === 'tiered')?.excludedBecause).toBe('max_price_per_request');
    const short = request({ messages: [{ role: 'user', content: 'abcd'.repeat(50_000) }], max_tokens: 100 });
    expect(plan(short, capped, tiered).models.map((m) => m.id).sort()).toEqual(['flat', 'tiered']);
  });

  it('answers a clear 400 naming the missing capability when no candidate has it', () => {
    const narrow = { ...route, candidates: ['text-only'] };
    let error: GatewayError | undefined;
    try {
      plan(request({ messages: [image] }), narrow);
    } catch (err) {
      error = err as GatewayError;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect(error!.status).toBe(400);
    expect(error!.code).toBe('unsupported_capability');
    expect(error!.param).toBe('messages');
    expect(error!.message).toBe('This request needs image input (vision), but no model of route "auto" supports it (text-only lacks vision).');
    const implicit = { ...route, name: 'no-tools', candidates: ['no-tools'], implicit: true };
    expect(() => plan(request({ tools: [tool] }), implicit)).toThrow('This request needs tool definitions (tools), but model "no-tools" does not support it.');
  });

  it('checks the context window with the exact o200k count for OpenAI-tokenized models', () => {
    // 3000 single-token words: the chars/4 estimate says ~1500 tokens, o200k counts ~3000.
    const long = request({ messages: [{ role: 'user', content: 'a '.repeat(3000) }] });
    const rough = estimatePromptTokens(long);
    expect(rough).toBeLessThan(2000);
    const exact = promptTokensFor(long, spec('x', { tokenizer: 'o200k_base' }), rough);
    expect(exact).toBeGreaterThan(2900);
    expect(promptTokensFor(long, spec('x', { tokenizer: 'estimate' }), rough)).toBe(rough);
    // A model whose tokenizer counts more than the estimate (Claude 4.7 and later): scaled.
    expect(promptTokensFor(long, spec('x', { tokenizer: 'estimate', tokenScale: 1.3 }), rough)).toBe(Math.ceil(rough * 1.3));
    // The exact count is exact: no scale applies to it.
    expect(promptTokensFor(long, spec('x', { tokenizer: 'o200k_base', tokenScale: 1.3 }), rough)).toBe(exact);
    const tight = new Map<string, ModelSpec>([
      ['gpt', spec('gpt', { tokenizer: 'o200k_base', contextWindow: 2500 })],
      ['other', spec('other', { tokenizer: 'estimate', contextWindow: 2500 })],
    ]);
    const result = plan(long, { ...route, candidates: ['gpt', 'other'] }, tight);
    expect(result.models.map((m) => m.id)).toEqual(['other']);
    expect(result.decision.beliefs.find((b) => b.modelId === 'gpt')?.excludedBecause).toBe('context_window');
  });
});

describe('costUsd', () => {
  it('bills a call whose prompt is over the long-context line at that tier, the whole call', () => {
    const longContext = { abovePromptTokens: 200_000, inputPer1M: 2.5, outputPer1M: 15, cachedInputPer1M: 0.25 };
    const model = spec('pro', { inputPer1M: 1.25, outputPer1M: 10, cachedInputPer1M: 0.125, longContext });
    expect(costUsd(model, 200_000, 1000, 100_000)).toBeCloseTo((100_000 * 1.25 + 100_000 * 0.125 + 1000 * 10) / 1e6, 12);
    expect(costUsd(model, 200_001, 1000, 100_000)).toBeCloseTo((100_001 * 2.5 + 100_000 * 0.25 + 1000 * 15) / 1e6, 12);
    expect(callPriceUsd(model, 200_001, 1000)).toBeCloseTo((200_001 * 2.5 + 1000 * 15) / 1e6, 12);
    expect(callPriceUsd(model, 1000, 1000)).toBeCloseTo((1000 * 1.25 + 1000 * 10) / 1e6, 12);
    // A tier without a cache price bills cache hits at its input price.
    const haiku = spec('haiku', { inputPer1M: 0.1, outputPer1M: 0.5, longContext: { abovePromptTokens: 100_000, inputPer1M: 0.5, outputPer1M: 2.5 } });
    expect(costUsd(haiku, 150_000, 0, 50_000)).toBeCloseTo((150_000 * 0.5) / 1e6, 12);
  });

  it('bills cache hits at the cached-input price when the model has one', () => {
    const model = spec('m', { inputPer1M: 3, outputPer1M: 15, cachedInputPer1M: 0.3 });
    expect(costUsd(model, 1000, 100, 800)).toBeCloseTo((200 * 3 + 800 * 0.3 + 100 * 15) / 1e6, 12);
    expect(costUsd(spec('n', { inputPer1M: 3, outputPer1M: 15 }), 1000, 100, 800)).toBeCloseTo((1000 * 3 + 100 * 15) / 1e6, 12);
    expect(costUsd(model, 1000, 100)).toBeCloseTo((1000 * 3 + 100 * 15) / 1e6, 12);
  });
});
