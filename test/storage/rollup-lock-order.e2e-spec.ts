import { sql } from 'kysely';
import { RequestRecordRepository, type NewRequestRow } from '../../libs/storage/src';
import { seededRandom } from '../../libs/core/src';
import { createTestDatabase } from '../support/test-database';

/**
 * Record batches written at once (a gateway's journal replay beside its live writer, or two gateways)
 * share rows of the spend rollups. Each statement updates its rollup rows in key order, so two of them
 * wait for each other instead of deadlocking, however their batches are composed.
 */
describe('request batches written concurrently', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let records: RequestRecordRepository;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    records = new RequestRecordRepository(testDb.handle.db);
  });
  afterAll(() => testDb.drop());

  const row = (id: string, route: string, model: string): NewRequestRow => ({
    id,
    created_at: new Date('2026-12-06T10:00:00Z'),
    route,
    context_key: '',
    model_id: model,
    provider_id: 'p',
    key_id: 'k',
    status: 'success',
    http_status: 200,
    error_type: null,
    error_message: null,
    streamed: false,
    prompt_tokens: 1,
    completion_tokens: 1,
    cached_tokens: 0,
    cost_usd: 0.001,
    latency_ms: 1,
    ttft_ms: null,
    finish_reason: 'stop',
    decision_reason: 'exploit',
    attempts: '[]',
    prompt_template: null,
  });

  it('never deadlock on the shared rollup rows, and every cost lands once', async () => {
    const random = seededRandom(7);
    const routes = Array.from({ length: 60 }, (_, i) => `r${i}`);
    let written = 0;
    for (let round = 0; round < 8; round++) {
      const batches = Array.from({ length: 6 }, (_, b) =>
        Array.from({ length: 150 }, (_, i) => row(`req-${round}-${b}-${i}`, routes[Math.floor(random() * routes.length)], `m${Math.floor(random() * 3)}`)),
      );
      const spend = (batch: NewRequestRow[]) => batch.map((r) => ({ tenantId: 't', keyId: 'k', route: r.route!, modelId: r.model_id!, costUsd: 0.001 }));
      await Promise.all(batches.map((batch) => records.insertBatch(batch, spend(batch))));
      written += batches.length * 150;
    }
    const requestsIn = async (table: 'spend_daily' | 'spend_rollup_daily') =>
      Number((await sql<{ n: string }>`SELECT sum(requests) AS n FROM ${sql.table(table)}`.execute(testDb.handle.db)).rows[0].n);
    expect(await requestsIn('spend_daily')).toBe(written);
    expect(await requestsIn('spend_rollup_daily')).toBe(written);
  });
});
