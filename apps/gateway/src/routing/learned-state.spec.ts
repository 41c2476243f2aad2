import { armCountsFor, armMeans, armPrecisions, ArmTable, floatsToBytes, emptyWordArm } from '../../../../libs/router/src';
import type { ArmStatsRepository, WordArmRow } from '../../../../libs/storage/src';
import { LearnedState } from './learned-state';

function wordRow(modelId: string, observations: number, bias: number, version: string): WordArmRow & { version: string } {
  const arm = emptyWordArm(modelId);
  arm.weights[0] = bias;
  return { route: 'r', model_id: modelId, bits: arm.bits, prior_precision: arm.priorPrecision, observations, mean: floatsToBytes(armMeans(arm)), precision: floatsToBytes(armPrecisions(arm)), words_log_odds: 0, updated_at: new Date('2026-11-21T12:00:00Z'), txid: '1', version };
}

describe('LearnedState word models', () => {
  it('asks only for word models whose version it does not hold, and decodes a new version', async () => {
    let stored = [wordRow('a', 1, 0.5, '2026-11-21 12:00:00.000001+00')];
    const asked: Array<Map<string, string>> = [];
    // As the repository: rows whose version the caller already holds are left out.
    const repository = {
      changesAfter: async () => ({ rows: [], horizon: '1' }),
      wordChangesAfter: async (_horizon: string | null, known: ReadonlyMap<string, string>) => {
        asked.push(new Map(known));
        return { rows: stored.filter((r) => known.get(`${r.route}\u0000${r.model_id}`) !== r.version), horizon: '1' };
      },
    } as unknown as ArmStatsRepository;
    const state = new LearnedState(repository);
    await state.refresh();
    const first = state.wordArmsFor('r', ['a'])[0];
    expect(first.observations).toBe(1);
    expect(first.weights[0]).toBeCloseTo(0.5, 6);
    await state.refresh(); // nothing new: kept as decoded, and the version was passed along
    expect(asked[1].get('r\u0000a')).toBe('2026-11-21 12:00:00.000001+00');
    expect(state.wordArmsFor('r', ['a'])[0]).toBe(first);
    stored = [wordRow('a', 1, -0.25, '2026-11-21 12:00:00.000002+00')]; // the same millisecond, a later write (a fade)
    await state.refresh();
    expect(state.wordArmsFor('r', ['a'])[0].weights[0]).toBeCloseTo(-0.25, 6);
  });

  it("keeps one answer per route for the same candidates until a read brings a new word model of the route", async () => {
    let stored: Array<WordArmRow & { version: string }> = [];
    const repository = {
      changesAfter: async () => ({ rows: [], horizon: '1' }),
      wordChangesAfter: async () => ({ rows: stored, horizon: '1' }),
    } as unknown as ArmStatsRepository;
    const state = new LearnedState(repository);
    const candidates = ['a', 'b'];
    const priors = { a: 0.7 };
    const first = state.wordArmsFor('r', candidates, priors);
    expect(first.map((arm) => arm.observations)).toEqual([0, 0]);
    expect(state.wordArmsFor('r', candidates, priors)).toBe(first);
    // Other candidates or priors objects are answered afresh.
    expect(state.wordArmsFor('r', ['a', 'b'], priors)).not.toBe(first);
    const again = state.wordArmsFor('r', candidates, priors);
    expect(again).toEqual(first);
    await state.refresh(); // no word model changed: the same answer
    expect(state.wordArmsFor('r', candidates, priors)).toBe(again);
    stored = [wordRow('b', 3, 0.5, '2026-11-21 12:00:00.000003+00')];
    await state.refresh();
    const after = state.wordArmsFor('r', candidates, priors);
    expect(after.map((arm) => arm.observations)).toEqual([0, 3]);
    expect(after[0]).toBe(first[0]);
  });

  it('gives a model without a stored word model the untrained one, with its prior, the same object each time', () => {
    const state = new LearnedState({} as ArmStatsRepository);
    const [a, b] = state.wordArmsFor('r', ['a', 'b'], { a: 0.8 });
    expect(a.observations).toBe(0);
    expect(a.weights[0]).toBeGreaterThan(0);
    expect(b.weights[0]).toBe(0);
    expect(state.wordArmsFor('r', ['a'], { a: 0.8 })[0]).toBe(a);
  });
});

describe('LearnedState reads', () => {
  it('starts each read where the previous one ended, and coalesces calls made during a read into one more', async () => {
    const asked: Array<string | null> = [];
    let next = 10;
    const row = { route: 'r', context_key: '', model_id: 'a', successes: 1, failures: 0, completion_tokens: 3, cost_usd: 0, observations: 1, drift_statistic: 0, refuted_left: 0, updated_at: new Date(), txid: '9' };
    const repository = {
      changesAfter: async (horizon: string | null) => {
        asked.push(horizon);
        await new Promise((r) => setImmediate(r));
        return { rows: horizon === null ? [row] : [{ ...row, observations: Number(horizon) }], horizon: String(next++) };
      },
      wordChangesAfter: async () => ({ rows: [], horizon: '1' }),
    } as unknown as ArmStatsRepository;
    const state = new LearnedState(repository);
    await state.refresh();
    expect(state.armsFor('r').get('a')?.observations).toBe(1);
    await state.refresh();
    await state.refresh();
    expect(asked).toEqual([null, '10', '11']);
    expect(state.armsFor('r').get('a')?.observations).toBe(11);
    expect(state.refreshes).toBe(3);
    expect(state.rowsRead).toBe(3);
    // Three calls while one read is under way: that read, then one more.
    asked.length = 0;
    await Promise.all([state.refresh(), state.refresh(), state.refresh()]);
    expect(asked).toEqual(['12', '13']);
    expect(state.armsFor('r').get('a')?.observations).toBe(13);
  });

  it("keeps each context's arms in an ArmTable whose counts follow every read that brings its rows", async () => {
    let rows = [{ route: 'r', context_key: 'math', model_id: 'a', successes: 2, failures: 1, completion_tokens: 3, cost_usd: 0, observations: 3, drift_statistic: 0, refuted_left: 0, updated_at: new Date(), txid: '9' }];
    const repository = {
      changesAfter: async () => ({ rows, horizon: '1' }),
      wordChangesAfter: async () => ({ rows: [], horizon: '1' }),
    } as unknown as ArmStatsRepository;
    const state = new LearnedState(repository);
    await state.refresh();
    const ids = ['a', 'b'];
    const arms = state.armsFor('r', 'math');
    expect(arms).toBeInstanceOf(ArmTable);
    expect(Array.from(armCountsFor(arms, ids)!)).toEqual([2, 1, 0, 0]);
    rows = [{ ...rows[0], model_id: 'b', successes: 5, failures: 0.5 }];
    await state.refresh();
    expect(state.armsFor('r', 'math')).toBe(arms);
    expect(Array.from(armCountsFor(arms, ids)!)).toEqual([2, 1, 5, 0.5]);
    rows = [{ ...rows[0], model_id: 'a', successes: 2.5, failures: 1 }];
    await state.refresh();
    expect(Array.from(armCountsFor(arms, ids)!)).toEqual([2.5, 1, 5, 0.5]);
  });

  it("holds a context's refuted anchor while its row carries the marker, and drops it when the row is written without", async () => {
    const base = { route: 'r', context_key: 'code|short', successes: 1, failures: 0, completion_tokens: 3, cost_usd: 0, observations: 1, drift_statistic: 0, updated_at: new Date(), txid: '9' };
    let rows: unknown[] = [
      { ...base, model_id: 'a', refuted_left: 12 },
      { ...base, model_id: 'b', refuted_left: 0 },
      { ...base, context_key: '', model_id: 'a', refuted_left: 0 },
    ];
    const repository = {
      changesAfter: async () => ({ rows, horizon: '1' }),
      wordChangesAfter: async () => ({ rows: [], horizon: '1' }),
    } as unknown as ArmStatsRepository;
    const state = new LearnedState(repository);
    expect(state.refutedIn('r', 'code|short')).toBeUndefined();
    await state.refresh();
    expect(state.refutedIn('r', 'code|short')).toBe('a');
    expect(state.refutedIn('r', '')).toBeUndefined();
    expect(state.refutedIn('r', 'math|short')).toBeUndefined();
    // Another model's row written without a marker leaves a's in place; a's own row without it ends it.
    rows = [{ ...base, model_id: 'b', refuted_left: 0 }];
    await state.refresh();
    expect(state.refutedIn('r', 'code|short')).toBe('a');
    rows = [{ ...base, model_id: 'a', refuted_left: 0 }];
    await state.refresh();
    expect(state.refutedIn('r', 'code|short')).toBeUndefined();
  });
});
