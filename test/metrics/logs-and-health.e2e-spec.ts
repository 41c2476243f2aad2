import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { GATEWAY_KEY, routerYaml, startStack, type Stack } from '../support/stack';
import { json } from '../dashboard/learning-run';

interface Readiness {
  status: string;
  checks: Record<'database' | 'queue', { ok: boolean; latency_ms: number; error?: string; depth?: number }>;
}

const ADMIN_KEY = 'admin-log-test-key-fedcba9876543210';

describe('request logs and health probes', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    // BullMQ on the real Redis, so readiness checks Postgres and Redis.
    stack = await startStack({ yaml: routerYaml(upstream.url), queue: 'bullmq', env: { LOG_LEVEL: 'info', ADMIN_API_KEY: ADMIN_KEY } });
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  it('writes one JSON line per request with its request id, and never a key', async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
    let requestId: string | null;
    let streamId: string | null;
    try {
      const res = await fetch(`${stack.gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${GATEWAY_KEY}`, 'x-api-key': GATEWAY_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }),
      });
      requestId = res.headers.get('x-request-id');
      await res.text();
      const streamed = await fetch(`${stack.gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${GATEWAY_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      });
      streamId = streamed.headers.get('x-request-id');
      expect(await streamed.text()).toContain('[DONE]');
      await (await fetch(`${stack.gateway.url}/v1/router/requests`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
      await (await fetch(`${stack.gateway.url}/v1/router/requests`, { headers: { authorization: 'Bearer wrong-key-shows-nowhere' } })).text();
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      process.stdout.write = write;
    }
    const entries = lines.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; req?: { id: string; url: string; headers: Record<string, string> }; res?: { statusCode: number } });
    const chat = entries.find((e) => e.req?.url === '/v1/chat/completions');
    expect(requestId).toMatch(/^chatcmpl-/);
    expect(chat!.req!.id).toBe(requestId);
    expect(chat!.res!.statusCode).toBe(200);
    expect((chat as { level?: unknown }).level).toBe('info');
    // The same ISO time as the gateway's other log lines (jsonLog), not pino's epoch milliseconds.
    expect((chat as { time?: unknown }).time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect((chat!.res as { headers?: Record<string, string> }).headers?.['x-request-id']).toBe(requestId);
    expect(chat!.req!.headers.authorization).toBe('[redacted]');
    expect(chat!.req!.headers['x-api-key']).toBe('[redacted]');
    // A stream is written outside Fastify's reply (hijacked) and still gets its line when it ends.
    const stream = entries.find((e) => e.req?.id === streamId);
    expect(streamId).toMatch(/^chatcmpl-/);
    expect(stream!.res!.statusCode).toBe(200);
    expect(stream!.req!.headers.authorization).toBe('[redacted]');
    const refused = entries.find((e) => e.res?.statusCode === 401);
    expect(refused!.req!.url).toBe('/v1/router/requests');
    const all = lines.join('');
    expect(all).not.toContain(GATEWAY_KEY);
    expect(all).not.toContain(ADMIN_KEY);
    expect(all).not.toContain('wrong-key-shows-nowhere');
  });

  it('answers liveness and readiness, and keeps /health', async () => {
    expect(await (await fetch(`${stack.gateway.url}/health`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${stack.gateway.url}/health/live`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${stack.gateway.url}/health/ready`);
    expect(ready.status).toBe(200);
    const body = await json<Readiness>(ready);
    expect(body.status).toBe('ok');
    expect(body.checks.database.ok).toBe(true);
    expect(body.checks.queue.ok).toBe(true);
    expect(typeof body.checks.queue.depth).toBe('number');
  });

  it('reports degraded, still ready to serve, while the queue (Redis) does not answer', async () => {
    const queue = stack.gateway.runtime.queue;
    const depth = queue.depth;
    queue.depth = () => Promise.reject(new Error('connect ECONNREFUSED redis://secret@10.0.0.1'));
    try {
      const ready = await fetch(`${stack.gateway.url}/health/ready`);
      expect(ready.status).toBe(200);
      const body = await json<Readiness>(ready);
      expect(body.status).toBe('degraded');
      expect(JSON.stringify(body)).not.toContain('secret');
      expect(body.checks.database.ok).toBe(true);
      expect(body.checks.queue).toMatchObject({ ok: false, error: 'unreachable' });
      expect((await fetch(`${stack.gateway.url}/health/live`)).status).toBe(200);
    } finally {
      queue.depth = depth;
    }
  });
});
