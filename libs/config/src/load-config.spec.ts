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
    expect(config.routes.get('support')).toMatchObject({ candidates: ['small', 'big'], qualityFloor: 0.9, discount: 0.99, budgetUsdPerDay: 3, costWeight: 50 });
    expect(config.gatewayKeyHashes).toHaveLength(2);
    expect(config.gatewayKeyHashes.join()).not.toContain('secret');
    expect(config.inlineWorker).toBe(true);
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

  it('reports cross-references and missing key variables', () => {
    const path = writeConfig(valid.replace('candidates: [small, big]', 'candidates: [small, huge]'));
    expect(() => loadConfig({ ROUTER_CONFIG: path, LOCAL_KEY: 'k' })).toThrow(/routes\.0\.candidates\.1: unknown model "huge"/);
    expect(() => loadConfig({ ROUTER_CONFIG: writeConfig(valid) })).toThrow(/providers\.0\.api_key_env: environment variable LOCAL_KEY is not set/);
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
