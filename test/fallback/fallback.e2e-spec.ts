import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { AttemptRunner, type AttemptLog } from '../../apps/gateway/src/chat/attempt-runner';
import { CONTINUE_INSTRUCTION } from '../../apps/gateway/src/chat/continuation';
import { startFakeOpenAI, type Behavior, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, GATEWAY_KEY, startStack, type Stack } from '../support/stack';

/** A port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const GOOD = 'The fallback model answered.';
const SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };

describe('fallback chains: the openai SDK gets a valid answer whatever the first model does', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;
  let runner: AttemptRunner;
  /** What the first model (cheap-upstream) does; the fallback (strong-upstream) always answers. */
  let primary: Behavior = { kind: 'text', content: 'ok' };
  let fallback: Behavior = { kind: 'text', content: GOOD };

  beforeAll(async () => {
    upstream = await startFakeOpenAI((body) => (body.model === 'cheap-upstream' ? primary : fallback));
    const dead = `http://127.0.0.1:${await closedPort()}/v1`;
    const timeouts = '{ first_byte_ms: 400, idle_ms: 400, ttft_ms: 600 }';
    const failover = `{ fallbacks: [strong], retries: 1, backoff_base_ms: 10, backoff_max_ms: 50, max_retry_after_ms: 1500, timeouts: ${timeouts} }`;
    stack = await startStack({
      queue: 'in-process',
      yaml: `
providers:
  - { id: fake, kind: openai-compatible, base_url: "${upstream.url}" }
  - { id: dead, kind: openai-compatible, base_url: "${dead}" }
models:
  - { id: cheap, provider: fake, upstream: cheap-upstream, input_per_1m: 0.1, output_per_1m: 0.4, context_window: 16000 }
  - { id: strong, provider: fake, upstream: strong-upstream, input_per_1m: 5, output_per_1m: 15, context_window: 128000 }
  - { id: gone, provider: dead, upstream: gone-upstream, input_per_1m: 0.1, output_per_1m: 0.4, context_window: 16000 }
routes:
  - { name: chain, candidates: [cheap], failover: ${failover} }
  - { name: refused, candidates: [gone], failover: ${failover} }
  - { name: both, candidates: [cheap, strong], failover: { retries: 0, timeouts: ${timeouts} } }
`,
    });
    runner = stack.gateway.app.get(AttemptRunner);
  });
  afterAll(async () => {
    await stack.close();
    await upstream.close();
  });
  beforeEach(() => {
    fallback = { kind: 'text', content: GOOD };
    for (const key of ['fake/cheap', 'fake/strong', 'dead/gone']) runner.health.deployments.recordSuccess(key);
    runner.health.schemas.recordSuccess('chain/cheap');
  });

  async function recordOf(id: string) {
    await stack.gateway.runtime.records.flush();
    return eventually(async () => {
      const row = await stack.database.handle.db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return { ...row, attempts: row.attempts as unknown as AttemptLog[] };
    });
  }

  const path = (attempts: AttemptLog[]) => attempts.map((a) => `${a.modelId}:${a.status === 'success' ? 'ok' : (a.rejectedBy ?? a.errorKind)}`);

  const failures: Array<[string, Behavior, string, string[]]> = [
    ['a 429 with retry-after', { kind: 'error', status: 429, retryAfter: '1' }, 'chain', ['cheap:rate_limited', 'cheap:rate_limited', 'strong:ok']],
    ['a 500', { kind: 'error', status: 500 }, 'chain', ['cheap:server_error', 'cheap:server_error', 'strong:ok']],
    ['a 503', { kind: 'error', status: 503 }, 'chain', ['cheap:overloaded', 'cheap:overloaded', 'strong:ok']],
    ['a connection reset before the first byte', { kind: 'reset' }, 'chain', ['cheap:connection', 'cheap:connection', 'strong:ok']],
    ['a hang before the first byte', { kind: 'hang' }, 'chain', ['cheap:timeout', 'cheap:timeout', 'strong:ok']],
    ['connection refused', { kind: 'text', content: 'unused' }, 'refused', ['gone:connection', 'gone:connection', 'strong:ok']],
  ];

  it.each(failures)('%s: falls back, not streamed', async (_name, behavior, route, expected) => {
    primary = behavior;
    const { data, response } = await stack.client.chat.completions.create({ model: route, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(data.choices[0].message.content).toBe(GOOD);
    expect(data.model).toBe('strong');
    expect(response.headers.get('x-router-attempts')).toBe(String(expected.length));
    expect(response.headers.get('x-router-fallbacks')).toBe('1');
    const record = await recordOf(data.id);
    expect(record.status).toBe('success');
    expect(path(record.attempts)).toEqual(expected);
    if (behavior.kind === 'error' && behavior.retryAfter) expect(record.attempts[1].waitedMs).toBe(1000);
  });

  it.each(failures)('%s: falls back, streamed', async (_name, behavior, route, expected) => {
    primary = behavior;
    const stream = await stack.client.chat.completions.create({ model: route, messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    let id = '';
    for await (const chunk of stream) {
      id = chunk.id;
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(text).toBe(GOOD);
    const record = await recordOf(id);
    expect(record.status).toBe('success');
    expect(path(record.attempts)).toEqual(expected);
  });

  it.each([
    ['cut after 3 chunks', { kind: 'cut', content: 'One two three four five six.', afterChunks: 3 } as Behavior],
    ['that stalls midway', { kind: 'stall', content: 'One two three four five six.', afterChunks: 3 } as Behavior],
    ['that ends early without finishing', { kind: 'end', content: 'One two three four five six.', afterChunks: 3 } as Behavior],
  ])('a stream %s continues on the fallback model: one coherent stream', async (_name, behavior) => {
    primary = behavior;
    fallback = { kind: 'text', content: ' seven eight.' };
    const stream = await stack.client.chat.completions.create({ model: 'chain', messages: [{ role: 'user', content: 'count' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    const ids = new Set<string>();
    const models = new Set<string>();
    let roles = 0;
    let finishes = 0;
    let last: unknown;
    for await (const chunk of stream) {
      ids.add(chunk.id);
      models.add(chunk.model);
      if (chunk.choices[0]?.delta?.role) roles++;
      if (chunk.choices[0]?.finish_reason) finishes++;
      text += chunk.choices[0]?.delta?.content ?? '';
      last = chunk;
    }
    // The first model wrote 3 of its 6 chunks ("One two three f"), the fallback continued.
    expect(text).toBe('One two three f seven eight.');
    expect(ids.size).toBe(1);
    expect(models).toEqual(new Set(['cheap']));
    expect(roles).toBe(1);
    expect(finishes).toBe(1);
    expect(last).toMatchObject({ x_router: { failovers: 1, served_by: ['cheap', 'strong'], models: ['cheap', 'strong'] } });
    const continued = upstream.requests.at(-1)!;
    expect(continued.model).toBe('strong-upstream');
    expect((continued.messages as Array<{ role: string; content: string }>).slice(-2)).toEqual([
      { role: 'assistant', content: 'One two three f' },
      { role: 'user', content: CONTINUE_INSTRUCTION },
    ]);
    const record = await recordOf([...ids][0]);
    expect(record.status).toBe('success');
    expect(record.attempts.map((a) => [a.modelId, a.status, a.midStream ?? false, a.continuation ?? false])).toEqual([
      ['cheap', 'error', true, false],
      ['strong', 'success', false, true],
    ]);
    expect(record.attempts[0].costUsd).toBeGreaterThan(0);
    expect(record.cost_usd).toBeCloseTo(record.attempts[0].costUsd + record.attempts[1].costUsd, 12);
  });

  it('a stream that stalls after reasoning, before any answer, is answered afresh in the same stream: the same model while it has retries, then the fallback', async () => {
    // The reasoning reached the client, so it was the first token: the stall is an idle gap (mid-stream),
    // not a missed first token. Nothing of the answer was written, so the request starts over: on cheap
    // again (the route allows 1 retry), which stalls the same way, then on strong.
    primary = { kind: 'stall', content: '', afterChunks: 0, reasoning: ['Counting', ' slowly.'] };
    fallback = { kind: 'text', content: GOOD, reasoning: ['Easy.'] };
    const messages = [{ role: 'user' as const, content: 'count' }];
    const stream = await stack.client.chat.completions.create({ model: 'chain', messages, stream: true });
    let text = '';
    let reasoning = '';
    const ids = new Set<string>();
    let roles = 0;
    let finishes = 0;
    for await (const chunk of stream) {
      ids.add(chunk.id);
      const delta = chunk.choices[0]?.delta as { role?: string; content?: string | null; reasoning_content?: string } | undefined;
      if (delta?.role) roles++;
      if (chunk.choices[0]?.finish_reason) finishes++;
      // The answer never comes before the reasoning that precedes it.
      if (delta?.reasoning_content) expect(text).toBe('');
      reasoning += delta?.reasoning_content ?? '';
      text += delta?.content ?? '';
    }
    // What the client was shown of each try's thinking stays; the answer is the fallback's own.
    expect([reasoning, text]).toEqual(['Counting slowly.Counting slowly.Easy.', GOOD]);
    expect([ids.size, roles, finishes]).toEqual([1, 1, 1]);
    // Nothing of the answer had been written: no "continue" instruction, the client's own messages.
    const restarted = upstream.requests.at(-1)!;
    expect(restarted.model).toBe('strong-upstream');
    expect(restarted.messages).toEqual(messages);
    const record = await recordOf([...ids][0]);
    expect(record.status).toBe('success');
    expect(record.attempts.map((a) => [a.modelId, a.retry, a.errorKind ?? 'ok', a.midStream ?? false, a.continuation ?? false])).toEqual([
      ['cheap', 0, 'timeout', true, false],
      ['cheap', 1, 'timeout', true, true],
      ['strong', 0, 'ok', false, true],
    ]);
    expect(upstream.requests.slice(-3).map((r) => [r.model, r.messages])).toEqual([
      ['cheap-upstream', messages],
      ['cheap-upstream', messages],
      ['strong-upstream', messages],
    ]);
    expect(record.ttft_ms).not.toBeNull();
  });

  it.each([
    ['cut', 'connection'],
    ['stall', 'timeout'],
  ] as const)('a non-streamed body that is %s halfway falls back', async (kind, errorKind) => {
    primary = { kind, content: 'One two three four five six.', afterChunks: 3 };
    const data = await stack.client.chat.completions.create({ model: 'chain', messages: [{ role: 'user', content: 'hi' }] });
    expect(data.choices[0].message.content).toBe(GOOD);
    expect(path((await recordOf(data.id)).attempts)).toEqual([`cheap:${errorKind}`, `cheap:${errorKind}`, 'strong:ok']);
  });

  it('invalid JSON for a json_schema request is retried on the same model, then the next, and scored as failures', async () => {
    primary = { kind: 'text', content: 'this is not JSON' };
    fallback = { kind: 'text', content: '{"city":"Lyon"}' };
    const { data, response } = await stack.client.chat.completions
      .create({ model: 'chain', messages: [{ role: 'user', content: 'city?' }], response_format: { type: 'json_schema', json_schema: { name: 'city', schema: SCHEMA, strict: true } } })
      .withResponse();
    expect(JSON.parse(data.choices[0].message.content!)).toEqual({ city: 'Lyon' });
    expect(response.headers.get('x-router-models')).toBe('cheap,strong');
    const record = await recordOf(data.id);
    expect(path(record.attempts)).toEqual(['cheap:json_schema', 'cheap:json_schema', 'strong:ok']);
    expect(record.cost_usd).toBeCloseTo(record.attempts.reduce((s, a) => s + a.costUsd, 0), 12);
    expect(record.attempts[0].costUsd).toBeGreaterThan(0);
    // Each rejected answer is a reward signal for the bandit, under a derived request id.
    await eventually(async () => {
      const scores = await stack.database.handle.db.selectFrom('scores').select(['request_id', 'model_id', 'reward']).where('request_id', 'like', `${data.id}-a%`).execute();
      expect(scores.map((s) => [s.request_id, s.model_id, s.reward]).sort()).toEqual([
        [`${data.id}-a1`, 'cheap', 0],
        [`${data.id}-a2`, 'cheap', 0],
      ]);
    });
    // A third schema failure in a row on the same model routes away from it for this route.
    await stack.client.chat.completions.create({ model: 'chain', messages: [{ role: 'user', content: 'city?' }], response_format: { type: 'json_schema', json_schema: { name: 'city', schema: SCHEMA } } });
    expect(runner.health.schemas.state('chain/cheap')).toBe('open');
    expect(runner.health.report().schema_cooldowns).toContainEqual(expect.objectContaining({ route_model: 'chain/cheap', state: 'open' }));
  });

  it('when every model fails: one OpenAI-format error naming what was tried, streamed or not', async () => {
    primary = { kind: 'error', status: 500 };
    fallback = { kind: 'error', status: 503 };
    const err = await stack.client.chat.completions.create({ model: 'chain', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, code: 'upstream_overloaded' });
    expect((err as Error).message).toContain('cheap (server_error, server_error), strong (overloaded, overloaded)');
    const streamed = await stack.client.chat.completions.create({ model: 'chain', messages: [{ role: 'user', content: 'hi' }], stream: true }).catch((e: unknown) => e);
    expect(streamed).toMatchObject({ status: 503, code: 'upstream_overloaded' });
  });

  it('a request can name its own fallback chain in x_router', async () => {
    primary = { kind: 'error', status: 500 };
    const body = { model: 'cheap', messages: [{ role: 'user' as const, content: 'hi' }], x_router: { fallbacks: ['strong'], retries: 0 } };
    const data = await stack.client.chat.completions.create(body);
    expect(data.choices[0].message.content).toBe(GOOD);
    expect(upstream.requests.at(-1)).not.toHaveProperty('x_router');
    expect(path((await recordOf(data.id)).attempts)).toEqual(['cheap:server_error', 'strong:ok']);
    const badBody = { ...body, x_router: { fallbacks: ['nope'], retries: 0 } };
    const bad = await stack.client.chat.completions.create(badBody).catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400, param: 'x_router.fallbacks' });
  });

  it('a failing deployment is cooled down: the bandit sends it no traffic until it recovers', async () => {
    primary = { kind: 'error', status: 500 };
    // Two failures per request on route "chain" (one retry): the fifth failure in a row opens the breaker.
    for (let i = 0; i < 3; i++) await stack.client.chat.completions.create({ model: 'chain', messages: [{ role: 'user', content: 'hi' }] });
    await eventually(() => expect(runner.health.deployments.state('fake/cheap')).toBe('open'));
    expect(runner.health.report().deployments).toContainEqual(expect.objectContaining({ deployment: 'fake/cheap', state: 'open' }));
    const report = (await (await fetch(`${stack.gateway.url}/v1/router/report`, { headers: { authorization: `Bearer ${GATEWAY_KEY}` } })).json()) as { health: { deployments: unknown[] } };
    expect(report.health.deployments).toContainEqual(expect.objectContaining({ deployment: 'fake/cheap', state: 'open' }));
    const before = upstream.requests.filter((r) => r.model === 'cheap-upstream').length;
    for (let i = 0; i < 10; i++) {
      const data = await stack.client.chat.completions.create({ model: 'both', messages: [{ role: 'user', content: 'hi' }] });
      expect(data.model).toBe('strong');
    }
    expect(upstream.requests.filter((r) => r.model === 'cheap-upstream').length).toBe(before);
    runner.health.deployments.recordSuccess('fake/cheap');
    expect(runner.health.deployments.state('fake/cheap')).toBe('closed');
  });
});
