import { sql } from 'kysely';
import { RequestRecordRepository, type NewRequestRow } from '../../libs/storage/src';
import { createTestDatabase } from '../support/test-database';

/** The score-delay gate's counts (RequestRecordRepository.scoreDelayCounts) on the real Postgres. */
describe('score delay counts', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let records: RequestRecordRepository;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    records = new RequestRecordRepository(testDb.handle.db);
  });
  afterAll(() => testDb.drop());

  const t0 = Date.parse('2026-12-07T10:00:00Z');
  const row = (route: string, i: number, extra: Partial<NewRequestRow> = {}): NewRequestRow => ({
    id: `${route}-${i}`,
    created_at: new Date(t0 + i * 1000),
    route,
    model_id: 'm',
    status: 'success',
    http_status: 200,
    streamed: false,
    cost_usd: 0,
    prompt_tokens: 0,
    cached_tokens: 0,
    completion_tokens: 0,
    latency_ms: 0,
    attempts: '[]',
    ...extra,
  });
  const score = (route: string, i: number) =>
    sql`INSERT INTO scores (request_id, route, context_key, model_id, validator_reward, reward, results, scored_at)
        VALUES (${`${route}-${i}`}, ${route}, '', 'm', 1, 1, '[]'::jsonb, now())`.execute(testDb.handle.db);

  it("counts the window's newest chat requests, the served ones and those not yet scored, per route", async () => {
    // 10 requests: #0 and #1 failed (not sent for scoring), #2-#6 scored, #7-#9 awaiting. One judge call and
    // another route's requests must not count.
    await records.insertBatch([
      ...Array.from({ length: 10 }, (_, i) => row('gate', i, i < 2 ? { status: 'error', http_status: 502, model_id: null } : {})),
      row('gate', 10, { kind: 'judge', id: 'judge-call' }),
      ...Array.from({ length: 4 }, (_, i) => row('other', i)),
    ]);
    for (let i = 2; i <= 6; i++) await score('gate', i);
    expect(await records.scoreDelayCounts('gate', 100)).toEqual({ recent: 10, served: 8, awaitingScores: 3, anyScored: true });
    // The window holds the newest: #6-#9, of which #7-#9 awaited.
    expect(await records.scoreDelayCounts('gate', 4)).toEqual({ recent: 4, served: 4, awaitingScores: 3, anyScored: true });
    expect(await records.scoreDelayCounts('other', 100)).toEqual({ recent: 4, served: 4, awaitingScores: 4, anyScored: false });
    expect(await records.scoreDelayCounts('none', 100)).toEqual({ recent: 0, served: 0, awaitingScores: 0, anyScored: false });
  });
});
