import { migrations } from '../../migrations';
import { EMBEDDED_DATABASE_MS } from '../support/test-database';
import { ArmStatsRepository, migrateToLatest, openDatabase, RequestRecordRepository, SpendRepository, toWordArm } from '../../libs/storage/src';

describe('embedded default (PGlite over the Postgres protocol)', () => {
  it('runs the migrations and the same repositories as the real Postgres', async () => {
    const handle = await openDatabase({ dataDir: 'memory://' });
    try {
      expect(handle.kind).toBe('embedded');
      expect(await migrateToLatest(handle.db)).toEqual(Object.keys(migrations).sort());
      expect(await migrateToLatest(handle.db)).toEqual([]);
      const arms = new ArmStatsRepository(handle.db);
      const base = { route: 'r', contextKey: '', results: [], costUsd: 0, completionTokens: 1, discount: 1, scoredAt: new Date() };
      expect(await arms.recordScore({ ...base, requestId: 'a', modelId: 'm', validatorReward: 1 })).toEqual({ status: 'recorded', reward: 1 });
      expect(await arms.recordScore({ ...base, requestId: 'a', modelId: 'm', validatorReward: 1 })).toEqual({ status: 'duplicate' });
      const first = await arms.changesAfter(null);
      expect(first.rows).toEqual([expect.objectContaining({ model_id: 'm', successes: 1, observations: 1 })]);
      // Reads by transaction id: the next read starts where this one ended.
      expect((await arms.changesAfter(first.horizon)).rows).toEqual([]);
      // A word route's score: its buckets as integer[], the word model as bytea, both round-trip.
      expect(await arms.recordScore({ ...base, requestId: 'w', route: 'rw', modelId: 'm', validatorReward: 1, words: { features: [0, 7, 4095] } })).toEqual({ status: 'recorded', reward: 1 });
      expect((await arms.findScore('w'))?.features).toEqual([0, 7, 4095]);
      const [word] = (await arms.wordChangesAfter(null)).rows.map(toWordArm);
      expect(word).toMatchObject({ modelId: 'm', observations: 1 });
      expect(word.weights[2 * 7]).toBeGreaterThan(0); // bucket 7's mean
      expect(word.weights[2 * 8]).toBe(0);
      // Records and the spend rollup in one statement (a data-modifying WITH), as on Postgres.
      const records = new RequestRecordRepository(handle.db);
      const row = (id: string) => ({
        id, created_at: new Date('2026-11-21T12:00:00Z'), route: 'r', model_id: 'm', provider_id: 'p', key_id: null, status: 'success' as const,
        http_status: 200, error_type: null, error_message: null, streamed: false, prompt_tokens: 1, completion_tokens: 1, cached_tokens: 0,
        cost_usd: 0.25, latency_ms: 1, ttft_ms: null, finish_reason: 'stop', decision_reason: 'exploit', attempts: '[]',
      });
      expect(await records.insertBatch([row('x1'), row('x2')])).toBe(2);
      expect(await records.insertBatch([row('x2'), row('x3')])).toBe(1);
      expect(await new SpendRepository(handle.db).spendByRoute('2026-11-21')).toEqual(new Map([['r', 0.75]]));
    } finally {
      await handle.close();
    }
  }, EMBEDDED_DATABASE_MS);
});
