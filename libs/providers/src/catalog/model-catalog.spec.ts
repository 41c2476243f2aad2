import { PROVIDER_PRESETS } from '../presets/provider-presets';
import { findCatalogModel, MODEL_CATALOG, parseModelCatalog } from './model-catalog';
import catalogJson from './model-catalog.json';

describe('model catalog', () => {
  it('lists the well-known models', () => {
    const ids = MODEL_CATALOG.models.map((m) => m.id);
    for (const id of [
      'gpt-4o',
      'gpt-4o-mini',
      'gpt-4.1',
      'gpt-4.1-mini',
      'gpt-4.1-nano',
      'o4-mini',
      'claude-sonnet-4',
      'claude-3-5-haiku',
      'gemini-2.5-pro',
      'gemini-2.5-flash',
      'gemini-2.0-flash',
      'deepseek-chat',
      'mistral-large',
      'mistral-small',
      'llama-3.3-70b',
      'gpt-6-luna',
      'gpt-6.2-sol',
      'claude-opus-5-5',
      'claude-sonnet-5-5',
      'claude-haiku-5-5',
      'claude-sonnet-4-6',
      'claude-haiku-4-5',
    ]) {
      expect(ids).toContain(id);
    }
  });

  it('points every model at a known preset, with cache prices below list prices', () => {
    for (const model of MODEL_CATALOG.models) {
      expect({ id: model.id, preset: model.preset in PROVIDER_PRESETS }).toEqual({ id: model.id, preset: true });
      if (model.cached_input !== undefined) expect(model.cached_input).toBeLessThan(model.input);
    }
  });

  it('prices every model above zero, each checked on or before prices_as_of, the newest check being prices_as_of', () => {
    for (const model of MODEL_CATALOG.models) {
      expect({ id: model.id, input: model.input > 0, output: model.output > 0, cached: (model.cached_input ?? 1) > 0 }).toEqual({ id: model.id, input: true, output: true, cached: true });
      expect(model.price_checked <= MODEL_CATALOG.prices_as_of).toBe(true);
    }
    expect(MODEL_CATALOG.models.map((m) => m.price_checked).sort().at(-1)).toBe(MODEL_CATALOG.prices_as_of);
  });

  it('gives every model param rules that can apply: nothing both dropped and renamed, nothing renamed to itself or to a dropped name', () => {
    for (const model of MODEL_CATALOG.models) {
      const drop = new Set(model.drop_params ?? []);
      for (const [from, to] of Object.entries(model.rename_params ?? {})) {
        expect({ id: model.id, from, dropped: drop.has(from as never), toDropped: drop.has(to as never), same: from === to }).toEqual({ id: model.id, from, dropped: false, toDropped: false, same: false });
      }
    }
  });

  it('counts tokens exactly only for OpenAI upstreams known to use o200k', () => {
    for (const model of MODEL_CATALOG.models.filter((m) => m.tokenizer === 'o200k_base')) {
      expect({ id: model.id, preset: model.preset, o200k: /^(gpt-4o|gpt-4\.1|gpt-5|o[1-9])/.test(model.upstream) }).toEqual({ id: model.id, preset: 'openai', o200k: true });
    }
    // GPT-6's tokenizer is not published; Claude 4.7 and later count ~30% more tokens than Haiku 4.5.
    expect(findCatalogModel('gpt-6.2-sol')?.tokenizer).toBe('estimate');
    expect(findCatalogModel('gpt-6-luna')?.tokenizer).toBe('estimate');
  });

  it('drops the sampling parameters the current Claude models refuse, and adapts OpenAI reasoning models', () => {
    for (const id of ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5']) {
      expect(findCatalogModel(id)?.drop_params).toEqual(expect.arrayContaining(['temperature', 'top_p']));
    }
    // Claude 4.5/4.6 take temperature (or top_p) alone; the adapter never sends both.
    expect(findCatalogModel('claude-sonnet-4-6')?.drop_params).toBeUndefined();
    for (const id of ['o4-mini', 'gpt-6-luna', 'gpt-6.2-sol']) {
      expect(findCatalogModel(id)).toMatchObject({ drop_params: expect.arrayContaining(['temperature', 'top_p', 'logprobs']), rename_params: { max_tokens: 'max_completion_tokens' } });
    }
  });

  it('marks the Claude models that refuse a final assistant message (4.6 and later); the rest take one', () => {
    const refuse = ['claude-sonnet-4-6', 'claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5'];
    expect(refuse.map((id) => findCatalogModel(id)?.capabilities.assistant_prefill)).toEqual([false, false, false, false]);
    expect(['claude-haiku-4-5', 'claude-sonnet-4', 'gpt-4o', 'gemini-2.5-pro'].map((id) => findCatalogModel(id)?.capabilities.assistant_prefill)).toEqual([true, true, true, true]);
  });

  it('marks the Claude models that answer a forced tool choice with an error; the rest take one', () => {
    expect(['claude-opus-5-5', 'claude-sonnet-5-5'].map((id) => findCatalogModel(id)?.capabilities.forced_tool_choice)).toEqual([false, false]);
    expect(['claude-haiku-5-5', 'claude-sonnet-4-6', 'gpt-4o'].map((id) => findCatalogModel(id)?.capabilities.forced_tool_choice)).toEqual([true, true, true]);
  });

  it('marks every Claude model json_schema: Claude 4.5 and later natively (Opus / Sonnet 5.5 too, which refuse the forced tool), older ones through the tool', () => {
    const claude = MODEL_CATALOG.models.filter((m) => m.preset === 'anthropic');
    expect(claude.filter((m) => !m.capabilities.json_schema).map((m) => m.id)).toEqual([]);
    expect(['claude-opus-5-5', 'claude-sonnet-5-5'].map((id) => findCatalogModel(id)?.capabilities.json_schema)).toEqual([true, true]);
  });

  it('records shutdown dates with the provider page that gives them', () => {
    expect(findCatalogModel('claude-3-5-haiku')?.shutdown).toMatchObject({ date: '2026-02-19', source: expect.stringMatching(/^https:\/\/platform\.claude\.com\//) });
    expect(findCatalogModel('gemini-2.0-flash')?.shutdown?.date).toBe('2026-06-01');
    expect(findCatalogModel('claude-opus-5-5')?.shutdown).toBeUndefined();
  });

  it('rejects duplicate ids and malformed entries', () => {
    const first = catalogJson.models[0];
    expect(() => parseModelCatalog({ ...catalogJson, models: [first, first] })).toThrow('twice');
    expect(() => parseModelCatalog({ ...catalogJson, models: [{ ...first, input: -1 }] })).toThrow();
    expect(() => parseModelCatalog({ ...catalogJson, models: [{ ...first, output: 0 }] })).toThrow();
    expect(() => parseModelCatalog({ ...catalogJson, models: [{ ...first, tokenizer: 'cl100k_base' }] })).toThrow();
    expect(() => parseModelCatalog({ ...catalogJson, models: [{ ...first, drop_params: ['messages'] }] })).toThrow();
    expect(() => parseModelCatalog({ ...catalogJson, models: [{ ...first, price_checked: '2026-13-01' }] })).toThrow();
    expect(() => parseModelCatalog({ ...catalogJson, models: [{ ...first, shutdown: { date: '2026-01-01', source: 'not a url' } }] })).toThrow();
  });

  it('refuses a price checked after prices_as_of, or a prices_as_of newer than every check', () => {
    const first = catalogJson.models[0];
    expect(() => parseModelCatalog({ ...catalogJson, models: [{ ...first, price_checked: '2027-01-01' }] })).toThrow('after prices_as_of');
    expect(() => parseModelCatalog({ ...catalogJson, prices_as_of: '2027-01-01' })).toThrow('not the newest price_checked');
  });

  it('states a dearer tier for long prompts where the provider bills one, and refuses a cheaper one', () => {
    expect(findCatalogModel('gemini-2.5-pro')?.long_context).toEqual({ above_prompt_tokens: 200_000, input: 2.5, output: 15, cached_input: 0.25 });
    expect(findCatalogModel('claude-haiku-5-5')?.long_context).toMatchObject({ above_prompt_tokens: 100_000, input: 0.5, output: 2.5 });
    expect(findCatalogModel('gpt-6-luna')?.long_context?.above_prompt_tokens).toBe(272_000);
    const pro = catalogJson.models.find((m: { id: string }) => m.id === 'gemini-2.5-pro')!;
    expect(() => parseModelCatalog({ ...catalogJson, models: [{ ...pro, long_context: { ...pro.long_context, output: 5 } }] })).toThrow('cheaper than its base prices');
    expect(findCatalogModel('nope')).toBeUndefined();
  });
});
