import { sql } from 'kysely';
import OpenAI from 'openai';
import { startGateway, type RunningGateway } from '../../apps/gateway/src/gateway';
import { loadConfig } from '../../libs/config/src';
import { fakeOpenAITokens, startFakeOpenAIEmbeddings, type FakeOpenAIEmbeddings } from '../fakes/fake-openai-embeddings.server';
import { call } from '../budget/budget-support';
import { GATEWAY_KEY, testSettings } from '../support/stack';
import { EMBEDDED_DATABASE_MS } from '../support/test-database';

/** The embedded default (PGlite, in-process queue): the same migration, records and spend entries. */
describe('POST /v1/embeddings on the embedded default', () => {
  let upstream: FakeOpenAIEmbeddings;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAIEmbeddings();
    const yaml = `
providers:
  - { id: oai, kind: openai-compatible, base_url: "${upstream.url}" }
models:
  - { id: chatty, provider: oai, upstream: chatty, input_per_1m: 0.1, output_per_1m: 0.4, context_window: 16000 }
  - { id: text-embedding-3-small, catalog: text-embedding-3-small, provider: oai }
routes:
  - { name: auto, candidates: [chatty] }
`;
    const env = testSettings(yaml, 'router-embedded-embed-');
    gateway = await startGateway(loadConfig(env), { log: () => undefined });
    expect(gateway.runtime.database.kind).toBe('embedded');
  }, EMBEDDED_DATABASE_MS);
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('records the call (kind embeddings) and its spend entry; the report and the dashboard still answer', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0 });
    const { data, response } = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['one two', 'three'] }).withResponse();
    expect(data.data).toHaveLength(2);
    const id = response.headers.get('x-request-id')!;
    await gateway.runtime.records.flush();
    const record = await gateway.runtime.requests.findById(id);
    const tokens = fakeOpenAITokens('one two') + fakeOpenAITokens('three');
    expect(record).toMatchObject({ kind: 'embeddings', status: 'success', prompt_tokens: tokens, model_id: 'text-embedding-3-small' });
    const ledger = await sql<{ cost_usd: number }>`select cost_usd from spend_ledger where request_id = ${id}`.execute(gateway.runtime.database.db);
    expect(Number(ledger.rows[0].cost_usd)).toBeCloseTo((tokens * 0.02) / 1e6, 15);
    const report = await call(gateway.url, 'GET', '/v1/router/report', GATEWAY_KEY);
    expect(report.status).toBe(200);
    expect((report.json.routes as Array<{ route: string }>).map((r) => r.route)).toEqual(['auto']);
  });
});
