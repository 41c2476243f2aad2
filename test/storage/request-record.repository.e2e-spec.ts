import { sql } from 'kysely';
import { RequestRecordRepository, type NewRequestRow } from '../../libs/storage/src';
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
    expect(b).toMatchObject({ ...refused, context_key: '', prompt_template: null, attempts: [] });
    const { rows } = await sql<{ cost_usd: number; requests: number }>`SELECT cost_usd, requests FROM spend_daily WHERE route = 'auto'`.execute(testDb.handle.db);
    expect(rows.map((r) => [Number(r.cost_usd), Number(r.requests)])).toEqual([[served.cost_usd, 1]]);
  });

  it('is idempotent per request id: a retried batch adds nothing, spend included', async () => {
    expect(await records.insertBatch([served, { ...refused, id: 'chatcmpl-new' }])).toBe(1);
    expect(await records.count()).toBe(3);
    const { rows } = await sql<{ requests: number }>`SELECT requests FROM spend_daily WHERE route = 'auto'`.execute(testDb.handle.db);
    expect(rows.map((r) => Number(r.requests))).toEqual([1]);
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
});
