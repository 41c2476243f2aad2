import { sql } from 'kysely';
import { request } from 'undici';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, GATEWAY_KEY, startStack, type Stack } from '../support/stack';

/**
 * A client that goes away before its answer is complete: the request is still recorded, with what it
 * cost, as closed by the client (not as an upstream timeout or a gateway error), and the deployment
 * it was talking to is not blamed for it.
 */
describe('a client that disconnects before the answer is complete', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    // Generous upstream timeouts: only the client's disconnect ends these calls.
    stack = await startStack({
      queue: 'in-process',
      yaml: `
providers:
  - { id: fake, kind: openai-compatible, base_url: "${upstream.url}" }
models:
  - { id: slow, provider: fake, upstream: slow-upstream, input_per_1m: 1, output_per_1m: 4, context_window: 16000, timeouts: { first_byte_ms: 60000, idle_ms: 60000 } }
`,
    });
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  async function openChat(stream: boolean, abort: AbortController) {
    return request(`${stack.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      signal: abort.signal,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}` },
      body: JSON.stringify({ model: 'slow', stream, messages: [{ role: 'user', content: 'hi' }] }),
    });
  }

  async function recordOf(id: string) {
    return eventually(async () => {
      await stack.gateway.runtime.records.flush();
      const row = await stack.database.handle.db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirst();
      expect(row).toBeDefined();
      return row!;
    });
  }

  async function deploymentFailures(): Promise<number> {
    const res = await request(`${stack.gateway.url}/v1/router/report`, { headers: { authorization: `Bearer ${GATEWAY_KEY}` } });
    const report = (await res.body.json()) as { health: { deployments: Array<{ deployment: string; consecutive_failures: number }> } };
    return report.health.deployments.find((d) => d.deployment === 'fake/slow')?.consecutive_failures ?? 0;
  }

  it('mid-stream: recorded with the partial answer\'s cost and its spend entry, as closed by the client', async () => {
    upstream.setBehavior(() => ({ kind: 'stall', content: 'a partial answer that never finishes', afterChunks: 3, chunks: 10 }));
    const abort = new AbortController();
    const res = await openChat(true, abort);
    const id = String(res.headers['x-request-id']);
    const chunks = res.body[Symbol.asyncIterator]();
    await chunks.next();
    abort.abort();
    await res.body.text().catch(() => undefined);

    const row = await recordOf(id);
    expect(row).toMatchObject({ status: 'error', http_status: 200, streamed: true, model_id: 'slow', error_type: 'client_closed_request' });
    expect(row.cost_usd).toBeGreaterThan(0);
    const { rows: spend } = await sql<{ cost_usd: number }>`SELECT cost_usd FROM spend_ledger WHERE request_id = ${id}`.execute(stack.database.handle.db);
    expect(spend).toHaveLength(1);
    expect(Number(spend[0].cost_usd)).toBeCloseTo(row.cost_usd, 12);
    expect(await deploymentFailures()).toBe(0);
  });

  it('before the first byte of a completion: recorded as closed by the client, the deployment not blamed', async () => {
    upstream.setBehavior(() => ({ kind: 'hang' }));
    const before = upstream.requests.length;
    const abort = new AbortController();
    const answered = openChat(false, abort).catch(() => undefined);
    await eventually(() => expect(upstream.requests.length).toBe(before + 1));
    abort.abort();
    await answered;

    const row = await eventually(async () => {
      await stack.gateway.runtime.records.flush();
      const rows = await stack.database.handle.db.selectFrom('requests').selectAll().where('streamed', '=', false).execute();
      expect(rows).toHaveLength(1);
      return rows[0];
    });
    expect(await deploymentFailures()).toBe(0);
    expect(row).toMatchObject({ status: 'error', http_status: 499, error_type: 'client_closed_request' });
  });
});
