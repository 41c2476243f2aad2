import { request } from 'undici';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { GATEWAY_KEY, startStack, type Stack } from '../support/stack';

const PROVIDER_KEY = 'sk-provider-secret-0123456789';
const ADMIN_KEY = 'admin-key-0123456789abcdef';

/** Some hosts echo the key they were sent in their error text; the gateway passes that text on, never the key. */
describe("an upstream error that echoes the provider's key", () => {
  let upstream: FakeOpenAI;
  let stack: Stack;
  const logged: string[] = [];

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    stack = await startStack({
      queue: 'in-process',
      env: { FAKE_PROVIDER_KEY: PROVIDER_KEY, ADMIN_API_KEY: ADMIN_KEY },
      log: (level, message, fields) => logged.push(`${level} ${message} ${JSON.stringify(fields)}`),
      yaml: `
providers:
  - { id: fake, kind: openai-compatible, base_url: "${upstream.url}", api_key_env: FAKE_PROVIDER_KEY }
models:
  - { id: m, provider: fake, upstream: m-upstream, input_per_1m: 1, output_per_1m: 1, context_window: 16000 }
`,
    });
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  it.each([
    [400, 400],
    [500, 502],
    [429, 429],
  ])('upstream %i: the client gets %i with the upstream text, the key taken out, streamed or not', async (upstreamStatus, status) => {
    upstream.setBehavior(() => ({ kind: 'error', status: upstreamStatus, message: `Invalid proxy token. Received API Key = ${PROVIDER_KEY}` }));
    for (const stream of [false, true]) {
      const res = await request(`${stack.gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}` },
        body: JSON.stringify({ model: 'm', stream, messages: [{ role: 'user', content: 'hi' }] }),
      });
      const body = await res.body.text();
      expect(res.statusCode).toBe(status);
      expect(body).toContain('Received API Key = [redacted]');
      expect(body).not.toContain(PROVIDER_KEY);
    }
  });

  it('keeps the key out of the request records, the dashboard and the logs', async () => {
    await stack.gateway.runtime.records.flush();
    const rows = await stack.database.handle.db.selectFrom('requests').selectAll().execute();
    expect(rows).toHaveLength(6);
    expect(JSON.stringify(rows)).toContain('[redacted]');
    expect(JSON.stringify(rows)).not.toContain(PROVIDER_KEY);
    const detail = await request(`${stack.gateway.url}/v1/router/requests/${rows[0].id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(await detail.body.text()).not.toContain(PROVIDER_KEY);
    expect(logged.join('\n')).not.toContain(PROVIDER_KEY);
  });
});
