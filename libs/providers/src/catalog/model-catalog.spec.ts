import { PROVIDER_PRESETS } from '../presets/provider-presets';
import { costUsd, findCatalogModel, MODEL_CATALOG, parseModelCatalog } from './model-catalog';
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

  it('rejects duplicate ids and malformed entries', () => {
    const first = catalogJson.models[0];
    expect(() => parseModelCatalog({ ...catalogJson, models: [first, first] })).toThrow('twice');
    expect(() => parseModelCatalog({ ...catalogJson, models: [{ ...first, input: -1 }] })).toThrow();
  });

  it('computes list-price cost with cached tokens', () => {
    const model = findCatalogModel('gpt-4o');
    expect(model).toBeDefined();
    // 1M uncached at 2.50 + 1M cached at 1.25 + 1M output at 10
    expect(costUsd(model!, { prompt_tokens: 2_000_000, completion_tokens: 1_000_000, prompt_tokens_details: { cached_tokens: 1_000_000 } })).toBeCloseTo(13.75, 10);
    expect(costUsd(findCatalogModel('mistral-small')!, { prompt_tokens: 1000, completion_tokens: 1000, prompt_tokens_details: { cached_tokens: 500 } })).toBeCloseTo(0.0004, 10);
    expect(findCatalogModel('nope')).toBeUndefined();
  });
});
