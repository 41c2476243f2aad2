import fc from 'fast-check';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { collectErrorLogs, GATEWAY_KEY, routerYaml, type Stack, startStack } from '../support/stack';

const ADMIN_KEY = 'admin-key-0123456789abcdef';

/**
 * Property: whatever path parameters, query strings and admin bodies arrive at the endpoints besides
 * chat completions (models, budgets, reports, dashboard, admin, health, metrics), the gateway answers
 * with a 2xx or an OpenAI-format 4xx, never a 5xx, and logs no unexpected error.
 */
describe('fuzz: the model, report, dashboard and admin endpoints', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;
  const unexpected: string[] = [];

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'ANSWER: 42' }));
    stack = await startStack({
      yaml: routerYaml(upstream.url),
      queue: 'in-process',
      env: { ADMIN_API_KEY: ADMIN_KEY },
      log: collectErrorLogs(unexpected),
    });
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  const edge = fc.constantFrom(
    ...['', '%00', 'a%00b', '%ZZ', '%ED%A0%80', '%F0%9F%A7%AA', '%20', '-1', '0', '1e308', 'NaN', 'Infinity', '0x10', '[]', '{}', 'null', 'true'],
    ...['16', '016', '1e3', '%205%20', '+5', '5.0', '0b11', '0o7', '-0', '1_000', '99999999999999999999'],
    ...['9999-99-99', '2026-02-30', '2024-02-29', '0000-01-01', '0001-01-01', "'%3B%20DROP%20TABLE%20requests%3B--", '__proto__', 'constructor', 'x'.repeat(300)],
    ...['auto', 'cheap', 'default', 'key', 'tenant', 'route', 'day', 'rolling'],
  );
  const value = fc.oneof(edge, fc.string({ maxLength: 20 }).map(encodeURIComponent), fc.string({ unit: 'binary', maxLength: 8 }).map(encodeURIComponent), fc.integer().map(String));
  const names = fc.constantFrom('route', 'limit', 'buckets', 'bucket_size', 'bucket_seconds', 'window', 'scope', 'subject', 'tenant_id', 'key_id', 'from', 'to', '__proto__', 'x');
  // Names repeat on purpose: a parameter given twice arrives as an array.
  const query = fc.array(fc.tuple(names, value), { maxLength: 5 }).map((pairs) => pairs.map(([n, v]) => `${n}=${v}`).join('&'));
  const get = (paths: string[]) => fc.constantFrom(...paths).map((path) => ({ method: 'GET' as const, path }));
  const withParam = (method: 'GET' | 'DELETE', prefixes: string[]) => fc.tuple(fc.constantFrom(...prefixes), value).map(([prefix, v]) => ({ method, path: prefix + v }));
  const request = fc.oneof(
    get(['/v1/models', '/v1/budgets', '/v1/router/report', '/v1/router/timeseries', '/v1/router/requests', '/v1/router/beliefs', '/health', '/health/ready', '/metrics', '/dashboard']),
    get(['/v1/admin/keys', '/v1/admin/tenants', '/v1/admin/budgets', '/v1/admin/budgets/alerts', '/v1/admin/spend']),
    withParam('GET', ['/v1/models/', '/v1/router/requests/', '/v1/admin/keys/', '/v1/admin/tenants/', '/dashboard/assets/']),
    withParam('DELETE', ['/v1/admin/keys/', '/v1/admin/budgets/']),
  );
  const keys = fc.constantFrom(ADMIN_KEY, ADMIN_KEY, GATEWAY_KEY);

  const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', '\u0000', 'a\u0000b', '\ud800', '\udfff', '🧪', 'default', 'x'.repeat(300), '__proto__'));
  const weird = fc.oneof(fc.anything(), text, fc.constant(null), fc.double(), fc.integer(), fc.boolean());
  // Mostly valid fields, so that the odd one reaches the database rather than the first check.
  const mostly = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: weird });
  const slug = fc.stringMatching(/^[a-z0-9-]{1,20}$/);
  const count = fc.integer({ min: 1, max: 1000 });
  const adminBody = fc.oneof(
    fc.record({ id: mostly(slug), name: mostly(text), rpm: mostly(count), tpm: mostly(count) }, { requiredKeys: [] }).map((body) => ({ path: '/v1/admin/tenants', body })),
    fc
      .record(
        {
          tenant_id: mostly(fc.constant('default')),
          name: mostly(text),
          tier: mostly(text),
          allowed_routes: mostly(fc.array(fc.oneof(slug, text), { maxLength: 3 })),
          tags: mostly(fc.array(text, { maxLength: 3 })),
          rpm: mostly(count),
          expires_at: mostly(fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
        },
        { requiredKeys: [] },
      )
      .map((body) => ({ path: '/v1/admin/keys', body })),
    fc
      .record(
        {
          scope: mostly(fc.constantFrom('key', 'tenant', 'route')),
          subject: mostly(fc.oneof(slug, text)),
          period: mostly(fc.constantFrom('day', 'week', 'month')),
          hard_limit_usd: mostly(fc.double({ min: 0, noNaN: true })),
          soft_limit_usd: mostly(fc.double({ min: 0, noNaN: true })),
        },
        { requiredKeys: ['scope', 'subject', 'period'] },
      )
      .map((body) => ({ path: '/v1/admin/budgets', body })),
  );

  function checkAnswer(what: string, status: number, body: string): void {
    if (status >= 500) throw new Error(`${what}: HTTP ${status}: ${body.slice(0, 300)}`);
    if (status < 400) return;
    const error = (JSON.parse(body) as { error?: Record<string, unknown> }).error;
    if (typeof error?.message !== 'string' || typeof error.type !== 'string' || !('param' in error) || !('code' in error)) throw new Error(`${what}: not an OpenAI error: ${body.slice(0, 300)}`);
  }

  /** The whole-number query parameters of each path: an answer of 200 means each was plain decimal digits. */
  const integerParams: Record<string, string[]> = {
    '/v1/router/report': ['window'],
    '/v1/router/timeseries': ['limit', 'buckets', 'bucket_size', 'bucket_seconds'],
    '/v1/router/requests': ['limit'],
  };
  function checkIntegers(path: string, query: string, status: number): void {
    if (status !== 200) return;
    const params = new URLSearchParams(query);
    for (const name of integerParams[path] ?? []) {
      for (const value of params.getAll(name)) if (!/^[0-9]+$/.test(value)) throw new Error(`${path}?${query}: '${name}=${value}' was taken`);
    }
  }

  function report<T>(details: fc.RunDetails<T>): void {
    if (details.failed) throw new Error(`after ${details.numRuns} runs (seed ${details.seed}): ${String(details.errorInstance)}`);
  }

  it('answers every generated path and query with 2xx or an OpenAI-format 4xx', async () => {
    const fastify = stack.gateway.app.getHttpAdapter().getInstance();
    const statuses = new Set<number>();
    const details = await fc.check(
      fc.asyncProperty(request, query, keys, async ({ method, path }, q, key) => {
        const url = q ? `${path}?${q}` : path;
        const res = await fastify.inject({ method, url, headers: { authorization: `Bearer ${key}` } });
        statuses.add(res.statusCode);
        checkAnswer(`${method} ${url}`, res.statusCode, res.body);
        checkIntegers(path, q, res.statusCode);
      }),
      { numRuns: 2000, seed: 20261206, endOnFailure: true },
    );
    report(details);
    expect(statuses.has(200) && [...statuses].some((s) => s >= 400 && s < 500)).toBe(true);
  }, 120_000);

  it('answers every generated admin body with 2xx or an OpenAI-format 4xx', async () => {
    const fastify = stack.gateway.app.getHttpAdapter().getInstance();
    const details = await fc.check(
      fc.asyncProperty(adminBody, async ({ path, body }) => {
        const res = await fastify.inject({ method: 'POST', url: path, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) ?? 'null' });
        checkAnswer(`POST ${path} ${JSON.stringify(body)?.slice(0, 200)}`, res.statusCode, res.body);
      }),
      { numRuns: 600, seed: 20261206, endOnFailure: true },
    );
    report(details);
  }, 120_000);

  it('logged no unexpected error', () => {
    expect(unexpected).toEqual([]);
  });
});
