import type { Server } from 'node:http';
import { Pool } from 'undici';
import { parseSse } from '../../libs/providers/src/http/sse';
import { startFakeUpstream } from './fake-upstream';
import { timedRequest, timedStream } from './load';
import { chatBody, targetsFor } from './targets';

describe('bench fake upstream and stream timing', () => {
  let server: Server;
  let url: string;
  let pool: Pool;

  beforeAll(async () => {
    ({ server, url } = await startFakeUpstream());
    pool = new Pool(url);
  });

  afterAll(async () => {
    await pool.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('answers a non-streamed chat completion in OpenAI format', async () => {
    const res = await pool.request({ path: '/instant/v1/chat/completions', method: 'POST', body: chatBody('instant', false) });
    const body = (await res.body.json()) as { object: string; choices: Array<{ message: { content: string } }> };
    expect(res.statusCode).toBe(200);
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0].message.content).toContain('Hello');
  });

  it('streams 64 stamped content chunks, a finish chunk, a usage chunk and [DONE], parseable by the gateway parser', async () => {
    const res = await pool.request({ path: '/instant/v1/chat/completions', method: 'POST', body: chatBody('instant', true) });
    const events: string[] = [];
    for await (const e of parseSse(res.body)) events.push(e.data);
    expect(events).toHaveLength(64 + 3);
    expect(events[events.length - 1]).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((d) => JSON.parse(d) as { choices: Array<{ delta: { content?: string }; finish_reason: string | null }>; usage?: unknown });
    expect(chunks.filter((c) => /^t\d+ $/.test(c.choices[0]?.delta.content ?? ''))).toHaveLength(64);
    expect(chunks[64].choices[0].finish_reason).toBe('stop');
    expect(chunks[65].usage).toBeDefined();
  });

  it('counts each chunk of a stream once', async () => {
    const [direct] = targetsFor({ upstream: url, passThrough: url, gateway: url });
    const timing = await timedStream(pool, direct, 'instant');
    expect(timing.chunks).toBe(64);
    expect(timing.transitMs).toHaveLength(63);
    expect(Number.isFinite(timing.ttftMs)).toBe(true);
    await expect(timedRequest(pool, direct, 'instant', chatBody('instant', false))).resolves.toBeGreaterThan(0);
  });

  it('unknown paths get an OpenAI-format 404', async () => {
    const res = await pool.request({ path: '/nope/v1/chat/completions', method: 'POST', body: '{}' });
    expect(res.statusCode).toBe(404);
    expect(((await res.body.json()) as { error: { message: string } }).error.message).toBe('not found');
  });
});
