import { sql } from 'kysely';
import { ReportRepository, RequestRecordRepository, type NewRequestRow } from '../../libs/storage/src';
import { seededRandom } from '../../libs/core/src';
import { createTestDatabase } from '../support/test-database';

/** Request records go in as one JSON batch (jsonb_to_recordset): every column must come back as it went in. */
describe('request records on the real Postgres', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let records: RequestRecordRepository;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    records = new RequestRecordRepository(testDb.handle.db);
  });
  afterAll(() => testDb.drop());

  const attempts = [
    { modelId: 'cheap', providerId: 'p', status: 'error', errorKind: 'server_error', httpStatus: 500, latencyMs: 12.5, costUsd: 0, retry: 0, startedAtMs: 0, message: 'quote " and },{ and \u00e9' },
    { modelId: 'strong', providerId: 'p', status: 'success', latencyMs: 40, costUsd: 0.0012, retry: 0, startedAtMs: 13 },
  ];
  const served: NewRequestRow = {
    id: 'chatcmpl-served',
    created_at: new Date('2026-11-21T10:11:12.345Z'),
    route: 'auto',
    context_key: 'code|short|tier=pro',
    model_id: 'strong',
    provider_id: 'p',
    key_id: 'key_abc',
    status: 'success',
    http_status: 200,
    error_type: null,
    error_message: null,
    streamed: true,
    prompt_tokens: 120,
    completion_tokens: 33,
    cached_tokens: 64,
    cost_usd: 0.0012345678,
    latency_ms: 53.25,
    ttft_ms: 20.5,
    finish_reason: 'stop',
    decision_reason: 'explore',
    attempts: JSON.stringify(attempts),
    prompt_template: 'chatml',
    tags: ['checkout', 'team-a'],
  };
  // A request refused before routing: no route, no context key, no prompt template.
  const refused: NewRequestRow = {
    id: 'chatcmpl-refused',
    created_at: new Date('2026-11-21T10:11:13.000Z'),
    route: null,
    model_id: null,
    provider_id: null,
    key_id: null,
    status: 'error',
    http_status: 400,
    error_type: 'invalid_json',
    error_message: "We could not parse the JSON body: Unexpected token '}'",
    streamed: false,
    prompt_tokens: 0,
    completion_tokens: 0,
    cached_tokens: 0,
    cost_usd: 0,
    latency_ms: 0.4,
    ttft_ms: null,
    finish_reason: null,
    decision_reason: null,
    attempts: '[]',
  };

  it('writes every column as given, defaults for the ones left out, and the daily spend', async () => {
    expect(await records.insertBatch([served, refused])).toBe(2);
    const a = await records.findById(served.id);
    expect(a).toMatchObject({ ...served, attempts: attempts, created_at: served.created_at });
    const b = await records.findById(refused.id);
    expect(b).toMatchObject({ ...refused, context_key: '', prompt_template: null, attempts: [], tags: [] });
    const { rows } = await sql<{ cost_usd: number; requests: number }>`SELECT cost_usd, requests FROM spend_daily WHERE route = 'auto'`.execute(testDb.handle.db);
    expect(rows.map((r) => [Number(r.cost_usd), Number(r.requests)])).toEqual([[served.cost_usd, 1]]);
  });

  it('is idempotent per request id: a retried batch adds nothing, spend included', async () => {
    expect(await records.insertBatch([served, { ...refused, id: 'chatcmpl-new' }])).toBe(1);
    expect(await records.count()).toBe(3);
    const { rows } = await sql<{ requests: number }>`SELECT requests FROM spend_daily WHERE route = 'auto'`.execute(testDb.handle.db);
    expect(rows.map((r) => Number(r.requests))).toEqual([1]);
  });

  it("writes a record holding text Postgres refuses (NUL, an emoji cut in half) with U+FFFD in its place, and the rest of its batch", async () => {
    const cut = 'cut \u{1F9EA}'.slice(0, 5);
    const odd: NewRequestRow = {
      ...refused,
      id: 'chatcmpl-odd-text',
      error_message: `The model 'gpt\u0000x' does not exist; ${cut}`,
      attempts: JSON.stringify([{ ...attempts[0], message: `upstream said ${cut} and \u0000` }]),
      tags: ['a\u0000b', 'x\ud800'],
    };
    expect(await records.insertBatch([odd, { ...refused, id: 'chatcmpl-beside-odd' }])).toBe(2);
    expect(await records.findById(odd.id)).toMatchObject({
      error_message: "The model 'gpt\ufffdx' does not exist; cut \ufffd",
      attempts: [{ message: 'upstream said cut \ufffd and \ufffd' }],
      tags: ['a\ufffdb', 'x\ufffd'],
    });
    expect(await records.findById('chatcmpl-beside-odd')).toBeDefined();
  });

  it('rolls spend up per UTC day, and an id repeated within one batch counts once', async () => {
    const at = (id: string, iso: string) => ({ ...served, id, route: 'days', created_at: new Date(iso), cost_usd: 0.5 });
    const batch = [at('d1', '2026-11-21T23:59:59.900Z'), at('d2', '2026-11-22T00:00:00.100Z'), at('d2', '2026-11-22T00:00:00.100Z')];
    expect(await records.insertBatch(batch)).toBe(2);
    const { rows } = await sql<{ day: string; cost_usd: number; requests: number }>`
      SELECT to_char(day, 'YYYY-MM-DD') AS day, cost_usd, requests FROM spend_daily WHERE route = 'days' ORDER BY day`.execute(testDb.handle.db);
    expect(rows.map((r) => [r.day, Number(r.cost_usd), Number(r.requests)])).toEqual([
      ['2026-11-21', 0.5, 1],
      ['2026-11-22', 0.5, 1],
    ]);
  });

  it("aggregates the report's traffic, cost and reward per route, caller tag and model", async () => {
    const tagged = (id: string, model: string, tags: string[], cost: number) => ({ ...served, id, route: 'tagged', model_id: model, tags, cost_usd: cost });
    await records.insertBatch([tagged('t1', 'strong', ['legal', 'web'], 0.01), tagged('t2', 'strong', ['legal'], 0.02), tagged('t3', 'cheap', ['faq', 'web'], 0.001), tagged('t4', 'cheap', [], 0.001)]);
    await sql`INSERT INTO scores (request_id, route, context_key, model_id, validator_reward, reward, results, scored_at)
      VALUES ('t1', 'tagged', '', 'strong', 1, 1, '[]', now()), ('t3', 'tagged', '', 'cheap', 0, 0, '[]', now())`.execute(testDb.handle.db);
    const rows = (await new ReportRepository(testDb.handle.db).tagUsage()).filter((r) => r.route === 'tagged');
    const of = (tag: string, model: string) => rows.find((r) => r.tag === tag && r.model_id === model);
    expect(rows).toHaveLength(4); // legal/strong, web/strong, web/cheap, faq/cheap; t4 has no tag
    expect(of('legal', 'strong')).toMatchObject({ requests: 2, scored: 1, mean_reward: 1 });
    expect(of('legal', 'strong')!.cost_usd).toBeCloseTo(0.03, 12);
    expect(of('web', 'cheap')).toMatchObject({ requests: 1, scored: 1, mean_reward: 0 });
    expect(of('faq', 'cheap')).toMatchObject({ requests: 1 });
  });

  // Batches written at once (a gateway's journal replay beside its live writer, or two gateways) share
  // rollup rows; each statement updates them in key order, so two wait for each other, never deadlock.
  it('writes concurrent batches over shared rollup rows without deadlock, every request counted once', async () => {
    const random = seededRandom(7);
    const row = (id: string): NewRequestRow => ({ ...served, id, route: `lock${Math.floor(random() * 60)}`, model_id: `m${Math.floor(random() * 3)}`, created_at: new Date('2026-12-06T10:00:00Z'), cost_usd: 0.001 });
    const spend = (batch: NewRequestRow[]) => batch.map((r) => ({ tenantId: 't', keyId: 'k', route: r.route!, modelId: r.model_id!, costUsd: 0.001 }));
    for (let round = 0; round < 8; round++) {
      const batches = Array.from({ length: 6 }, (_, b) => Array.from({ length: 150 }, (_, i) => row(`lock-${round}-${b}-${i}`)));
      await Promise.all(batches.map((batch) => records.insertBatch(batch, spend(batch))));
    }
    const requestsIn = async (table: 'spend_daily' | 'spend_rollup_daily') =>
      Number((await sql<{ n: string }>`SELECT sum(requests) AS n FROM ${sql.table(table)} WHERE route LIKE 'lock%'`.execute(testDb.handle.db)).rows[0].n);
    expect(await requestsIn('spend_daily')).toBe(8 * 6 * 150);
    expect(await requestsIn('spend_rollup_daily')).toBe(8 * 6 * 150);
  });
});
