import { providerKinds } from '../provider.registry';
import { PROVIDER_PRESETS, resolvePreset } from './provider-presets';

describe('PROVIDER_PRESETS', () => {
  it('only names registered adapter kinds and absolute URLs', () => {
    for (const [id, preset] of Object.entries(PROVIDER_PRESETS)) {
      expect({ id, known: providerKinds().includes(preset.kind) }).toEqual({ id, known: true });
      expect(preset.baseUrl).toMatch(/^https?:\/\//);
    }
  });

  it('covers the well-known hosts', () => {
    expect(Object.keys(PROVIDER_PRESETS).sort()).toEqual(
      ['anthropic', 'azure', 'cerebras', 'deepseek', 'fireworks', 'gemini', 'groq', 'lmstudio', 'mistral', 'ollama', 'openai', 'openrouter', 'perplexity', 'qwen', 'together', 'vllm', 'xai'].sort(),
    );
  });
});

describe('resolvePreset', () => {
  it('reads the key from the well-known variable', () => {
    expect(resolvePreset('openai', {}, { OPENAI_API_KEY: 'sk-1' })).toEqual({
      id: 'openai',
      kind: 'openai-compatible',
      baseUrl: 'https://api.openai.com/v1',
      apiKey: 'sk-1',
      authHeader: 'authorization',
      toolForms: ['allowed_tools', 'custom_tools'],
    });
  });

  it("lists OpenAI's newer tool forms for OpenAI alone; a config can say otherwise", () => {
    const withForms = Object.keys(PROVIDER_PRESETS).filter((id) => resolvePreset(id, { variables: { resource: 'r', deployment: 'd' } }).toolForms !== undefined);
    expect(withForms).toEqual(['openai']);
    expect(resolvePreset('vllm', { toolForms: ['allowed_tools'] }).toolForms).toEqual(['allowed_tools']);
    expect(resolvePreset('openai', { toolForms: [] }).toolForms).toBeUndefined();
  });

  it('lets overrides win and keeps the quirks as data', () => {
    const settings = resolvePreset('mistral', { id: 'mistral-eu', apiKey: 'k', extraDropFields: ['n'] }, { MISTRAL_API_KEY: 'ignored' });
    expect(settings).toMatchObject({ id: 'mistral-eu', kind: 'openai-compatible', apiKey: 'k', renameFields: { max_completion_tokens: 'max_tokens', seed: 'random_seed' } });
    expect(settings.dropFields).toEqual(expect.arrayContaining(['stream_options', 'user', 'n']));
  });

  it('fills the Azure deployment URL, api-version and api-key header', () => {
    expect(resolvePreset('azure', { variables: { resource: 'my-res', deployment: 'gpt-4o-prod' } }, { AZURE_OPENAI_API_KEY: 'az' })).toEqual({
      id: 'azure',
      kind: 'openai-compatible',
      baseUrl: 'https://my-res.openai.azure.com/openai/deployments/gpt-4o-prod',
      chatPath: '/chat/completions?api-version=2024-10-21',
      apiKey: 'az',
      authHeader: 'api-key',
    });
  });

  it('names a missing variable', () => {
    expect(() => resolvePreset('azure', { variables: { resource: 'r' } })).toThrow('variables.deployment');
  });

  it('gives native adapters their own auth header and path', () => {
    expect(resolvePreset('anthropic', {}, { ANTHROPIC_API_KEY: 'a' })).toEqual({
      id: 'anthropic',
      kind: 'anthropic',
      baseUrl: 'https://api.anthropic.com',
      chatPath: '/v1/messages',
      apiKey: 'a',
      authHeader: 'x-api-key',
    });
    expect(resolvePreset('gemini', {}, { GEMINI_API_KEY: 'g' })).toMatchObject({ kind: 'gemini', authHeader: 'x-goog-api-key', apiKey: 'g', chatPath: '/v1beta/models' });
  });

  it('leaves local servers without a key and rejects unknown presets', () => {
    expect(resolvePreset('ollama').apiKey).toBeUndefined();
    expect(() => resolvePreset('nope')).toThrow('Unknown provider preset "nope"');
  });
});
