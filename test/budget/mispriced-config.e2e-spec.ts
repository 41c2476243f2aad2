import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../libs/config/src';

function load(models: string, providerUrl = 'https://api.example.com/v1') {
  const path = join(mkdtempSync(join(tmpdir(), 'prices-')), 'router.yaml');
  writeFileSync(
    path,
    `
providers:
  - { id: p, kind: openai-compatible, base_url: "${providerUrl}" }
models:
${models}
routes:
  - { name: r, candidates: [m] }
`,
  );
  return () => loadConfig({ ROUTER_CONFIG: path });
}

function problems(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.join('\n');
    throw err;
  }
  throw new Error('the config loaded');
}

describe('a mispriced or unpriced model is refused at config load, with the field and the reason', () => {
  it.each([
    ['a negative price', 'input_per_1m: -1, output_per_1m: 2', /models\.0\.input_per_1m/],
    ['NaN', 'input_per_1m: .nan, output_per_1m: 2', /models\.0\.input_per_1m/],
    ['infinity', 'input_per_1m: 1, output_per_1m: .inf', /models\.0\.output_per_1m: .*(finite|mispriced)/],
    ['a missing price', 'output_per_1m: 2', /models\.0\.input_per_1m/],
    ['a per-token price', 'input_per_1m: 0.0000025, output_per_1m: 10', /models\.0\.input_per_1m: .*per-token/],
    ['an absurd price', 'input_per_1m: 1, output_per_1m: 150000', /models\.0\.output_per_1m: .*mispriced/],
    ['zero on a remote provider without free: true', 'input_per_1m: 0, output_per_1m: 0', /models\.0\.input_per_1m: .*free: true/],
  ])('%s', (_name, prices, expected) => {
    expect(problems(load(`  - { id: m, provider: p, upstream: u, ${prices}, context_window: 8000 }`))).toMatch(expected);
  });

  it('zero is fine when declared free, or on a provider on this machine', () => {
    expect(load('  - { id: m, provider: p, upstream: u, input_per_1m: 0, output_per_1m: 0, free: true, context_window: 8000 }')().models.get('m')?.outputPer1M).toBe(0);
    expect(load('  - { id: m, provider: p, upstream: u, input_per_1m: 0, output_per_1m: 0, context_window: 8000 }', 'http://127.0.0.1:8000/v1')().models.size).toBe(1);
  });
});
