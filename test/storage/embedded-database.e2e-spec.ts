import { migrations } from '../../migrations';
import { ArmStatsRepository, migrateToLatest, openDatabase } from '../../libs/storage/src';

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
      expect(await arms.changedSince(null)).toEqual([expect.objectContaining({ model_id: 'm', successes: 1, observations: 1 })]);
    } finally {
      await handle.close();
    }
  });
});
