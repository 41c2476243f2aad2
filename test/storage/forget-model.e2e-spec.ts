import { emptyWordArm } from '../../libs/router/src';
import { ArmStatsRepository, toWordArm } from '../../libs/storage/src';
import { createTestDatabase } from '../support/test-database';

/** The operator's "this model was fixed" (POST /v1/admin/routes/:route/models/:model/forget), in storage. */
describe('forgetting a model on a route, on the real Postgres', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let arms: ArmStatsRepository;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    arms = new ArmStatsRepository(testDb.handle.db);
  });
  afterAll(() => testDb.drop());

  let n = 0;
  const score = (route: string, contextKey: string, modelId: string, validatorReward: number, words = false) => ({
    requestId: `req-${n++}`,
    route,
    contextKey,
    modelId,
    validatorReward,
    results: [{ validator: 'regex', passed: validatorReward === 1 }],
    costUsd: 0.01,
    completionTokens: 20,
    discount: 0.9999,
    scoredAt: new Date(),
    ...(words ? { words: { features: [3, 17, 40], priorQuality: 0.5 } } : {}),
  });

  it("zeroes the model's evidence in every context of the route and at the route level, keeps its count and every other model's and route's evidence, and is read by the next refresh", async () => {
    for (const ctx of ['code', 'math']) {
      for (let i = 0; i < 5; i++) await arms.recordScore(score('r', ctx, 'cheap', 0));
      for (let i = 0; i < 3; i++) await arms.recordScore(score('r', ctx, 'strong', 1));
    }
    await arms.recordScore(score('other', 'code', 'cheap', 0));
    const before = await arms.changesAfter(null);

    expect(await arms.forgetModel('r', 'cheap')).toEqual({ contexts: 2, wordModel: false });

    const changed = await arms.changesAfter(before.horizon);
    // Only the forgotten model's rows are rewritten: the route level and its two contexts.
    expect(changed.rows.map((r) => `${r.route}/${r.context_key}/${r.model_id}`).sort()).toEqual(['r//cheap', 'r/code/cheap', 'r/math/cheap']);
    for (const row of changed.rows) {
      expect(row).toMatchObject({ successes: 0, failures: 0, completion_tokens: 0, cost_usd: 0, drift_statistic: 0 });
      expect(row.observations).toBe(row.context_key === '' ? 10 : 5);
    }
    const all = (await arms.changesAfter(null)).rows;
    const strong = all.filter((r) => r.route === 'r' && r.model_id === 'strong');
    expect(strong).toHaveLength(3);
    for (const row of strong) expect(row.successes).toBeGreaterThan(2.9);
    expect(all.find((r) => r.route === 'other' && r.model_id === 'cheap')).toMatchObject({ failures: 1, observations: 1 });
  });

  it('replaces the word model of a hashed_words route with the untrained one given, and learns on from it', async () => {
    for (let i = 0; i < 4; i++) await arms.recordScore(score('w', 'ctx', 'cheap', 0, true));
    const trained = (await arms.wordChangesAfter(null)).rows.find((r) => r.route === 'w' && r.model_id === 'cheap')!;
    expect(trained.observations).toBe(4);

    expect(await arms.forgetModel('w', 'cheap', emptyWordArm('cheap', 0.5))).toEqual({ contexts: 1, wordModel: true });
    const reset = toWordArm((await arms.wordChangesAfter(null)).rows.find((r) => r.route === 'w' && r.model_id === 'cheap')!);
    // As untrained (its words' log odds against the context, which the row always holds, at 0).
    expect(reset).toEqual({ ...emptyWordArm('cheap', 0.5), wordsLogOdds: 0 });

    await arms.recordScore(score('w', 'ctx', 'cheap', 1, true));
    expect((await arms.wordChangesAfter(null)).rows.find((r) => r.route === 'w' && r.model_id === 'cheap')!.observations).toBe(1);
  });

  it('forgets nothing of a model the route never scored', async () => {
    expect(await arms.forgetModel('r', 'never-scored', emptyWordArm('never-scored'))).toEqual({ contexts: 0, wordModel: false });
  });
});
