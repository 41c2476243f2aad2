import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ConfigError, loadConfig, parseRouterConfig } from '../../libs/config/src';

/**
 * Property: the config loader turns any file (random text, random YAML, near-valid configs with
 * wrong types) and any environment into either a validated config or a ConfigError listing the
 * problems; it never throws anything else.
 */
describe('fuzz: the config loader', () => {
  const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', '\u0000', '\uFEFF', '🧪', 'auto', '-', '*a', '&a', '!!binary', '~', 'null', '.inf'));
  const weird = fc.oneof(fc.anything({ maxDepth: 3 }), text, fc.double(), fc.integer(), fc.boolean(), fc.constant(null));
  const id = fc.oneof(fc.constantFrom('fake', 'cheap', 'strong', 'auto', 'a/b:c'), text, weird);
  const provider = fc.record(
    { id, kind: fc.oneof(fc.constantFrom('openai-compatible', 'anthropic', 'gemini', 'azure'), text), base_url: fc.oneof(fc.webUrl(), text), api_key_env: fc.oneof(fc.constantFrom('OPENAI_API_KEY', 'X'), text), headers: weird, extra: weird },
    { requiredKeys: [] },
  );
  const model = fc.record(
    { id, provider: id, upstream: fc.oneof(text, weird), input_per_1m: fc.oneof(fc.double(), weird), output_per_1m: fc.oneof(fc.double(), weird), context_window: fc.oneof(fc.integer(), weird), timeouts: weird },
    { requiredKeys: [] },
  );
  const validator = fc.oneof(
    fc.record({ type: fc.constant('regex'), pattern: fc.oneof(text, fc.constantFrom('(', '[', '(a+)+$', '\\\\')), flags: fc.oneof(fc.constantFrom('g', 'iu', 'zz'), text) }, { requiredKeys: [] }),
    fc.record({ type: fc.constantFrom('contains', 'max_length', 'refusal', 'nope'), text, chars: fc.oneof(fc.integer(), weird) }, { requiredKeys: [] }),
    weird,
  );
  const route = fc.record(
    {
      name: id,
      candidates: fc.oneof(fc.array(id, { maxLength: 4 }), weird),
      quality_floor: fc.oneof(fc.double(), weird),
      budget_usd_per_day: fc.oneof(fc.double(), weird),
      discount: fc.oneof(fc.double(), weird),
      validators: fc.oneof(fc.array(validator, { maxLength: 3 }), weird),
      extra: weird,
    },
    { requiredKeys: [] },
  );
  const config = fc.record(
    { providers: fc.oneof(fc.array(provider, { maxLength: 3 }), weird), models: fc.oneof(fc.array(model, { maxLength: 3 }), weird), routes: fc.oneof(fc.array(route, { maxLength: 3 }), weird), extra: weird },
    { requiredKeys: [] },
  );
  const yamlText = fc.oneof(
    { weight: 4, arbitrary: config.map((c) => stringify(c)) },
    { weight: 2, arbitrary: fc.anything().map((v) => stringify(v) ?? '') },
    { weight: 1, arbitrary: fc.json() },
    { weight: 2, arbitrary: text },
    { weight: 1, arbitrary: fc.constantFrom('a: &x [*x]', 'a: !!js/function "x"', `${'- '.repeat(2000)}x`, `${'['.repeat(5000)}`, 'a: b: c', '\t- x', '%YAML 9.9\n---\na: 1', 'a: *nope', `x: &a [1]\ny: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nz: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nw: [*c,*c,*c,*c,*c,*c,*c,*c]`) },
  );

  it('parseRouterConfig returns a config or throws a ConfigError, for any text', () => {
    let accepted = 0;
    fc.assert(
      fc.property(yamlText, (source) => {
        try {
          parseRouterConfig(source, 'fuzz');
          accepted++;
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          if (err.problems.length === 0) throw new Error('a ConfigError without problems');
        }
      }),
      { numRuns: 2000, seed: 20261121 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('loadConfig returns a config or throws a ConfigError, for any environment and file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-fuzz-'));
    const envValue = fc.oneof(text, fc.integer().map(String), fc.constantFrom('0', '-1', '65536', 'true', 'redis://127.0.0.1:6379', 'postgres://x@127.0.0.1/db', 'not a url'));
    const env = fc.record(
      {
        PORT: envValue,
        DATABASE_URL: envValue,
        REDIS_URL: envValue,
        LOG_LEVEL: envValue,
        STATS_REFRESH_MS: envValue,
        BODY_LIMIT_BYTES: envValue,
        QUEUE_PREFIX: envValue,
        GATEWAY_API_KEYS: envValue,
        OPENAI_API_KEY: envValue,
        ANTHROPIC_API_KEY: envValue,
      },
      { requiredKeys: [] },
    );
    let n = 0;
    fc.assert(
      fc.property(env, fc.option(yamlText), (vars, file) => {
        const e: Record<string, string> = { ...vars, DATA_DIR: dir };
        if (file !== null) {
          const path = join(dir, `c${n++}.yaml`);
          writeFileSync(path, file);
          e.ROUTER_CONFIG = path;
        }
        try {
          loadConfig(e);
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
        }
      }),
      { numRuns: 1000, seed: 20261121 },
    );
  });
});
