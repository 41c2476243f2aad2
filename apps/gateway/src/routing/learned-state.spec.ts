import { floatsToBytes, emptyWordArm } from '../../../../libs/router/src';
import type { ArmStatsRepository, WordArmRow } from '../../../../libs/storage/src';
import { ANNOUNCED_OVERLAP_MS, LearnedState, REFRESH_OVERLAP_MS } from './learned-state';

function wordRow(modelId: string, observations: number, bias: number, version: string): WordArmRow & { version: string } {
  const arm = emptyWordArm(modelId);
  arm.mean[0] = bias;
  return { route: 'r', model_id: modelId, bits: arm.bits, prior_precision: arm.priorPrecision, observations, mean: floatsToBytes(arm.mean), precision: floatsToBytes(arm.precision), words_log_odds: 0, updated_at: new Date('2026-11-21T12:00:00Z'), version };
}

describe('LearnedState word models', () => {
  it('asks only for word models whose version it does not hold, and decodes a new version', async () => {
    let stored = [wordRow('a', 1, 0.5, '2026-11-21 12:00:00.000001+00')];
    const asked: Array<Map<string, string>> = [];
    // As the repository: rows whose version the caller already holds are left out.
    const repository = {
      changedSince: async () => [],
      changedWordArmsSince: async (_since: Date | null, known: ReadonlyMap<string, string>) => {
        asked.push(new Map(known));
        return stored.filter((r) => known.get(`${r.route}\u0000${r.model_id}`) !== r.version);
      },
    } as unknown as ArmStatsRepository;
    const state = new LearnedState(repository);
    await state.refresh();
    const first = state.wordArmsFor('r', ['a'])[0];
    expect(first.observations).toBe(1);
    expect(first.mean[0]).toBeCloseTo(0.5, 6);
    await state.refresh(); // nothing new: kept as decoded, and the version was passed along
    expect(asked[1].get('r\u0000a')).toBe('2026-11-21 12:00:00.000001+00');
    expect(state.wordArmsFor('r', ['a'])[0]).toBe(first);
    stored = [wordRow('a', 1, -0.25, '2026-11-21 12:00:00.000002+00')]; // the same millisecond, a later write (a fade)
    await state.refresh();
    expect(state.wordArmsFor('r', ['a'])[0].mean[0]).toBeCloseTo(-0.25, 6);
  });

  it('gives a model without a stored word model the untrained one, with its prior, the same object each time', () => {
    const state = new LearnedState({} as ArmStatsRepository);
    const [a, b] = state.wordArmsFor('r', ['a', 'b'], { a: 0.8 });
    expect(a.observations).toBe(0);
    expect(a.mean[0]).toBeGreaterThan(0);
    expect(b.mean[0]).toBe(0);
    expect(state.wordArmsFor('r', ['a'], { a: 0.8 })[0]).toBe(a);
  });
});

describe('LearnedState reads', () => {
  it('re-reads the poll margin on a plain refresh, the short margin on an announced one, and the larger when both coalesce', async () => {
    const at = new Date('2026-11-21T12:00:00.000Z');
    const asked: Array<number | null> = [];
    const row = { route: 'r', context_key: '', model_id: 'a', successes: 1, failures: 0, completion_tokens: 3, cost_usd: 0, observations: 1, drift_statistic: 0, updated_at: at };
    const repository = {
      changedSince: async (since: Date | null) => {
        asked.push(since === null ? null : at.getTime() - since.getTime());
        await new Promise((r) => setImmediate(r));
        return [row];
      },
      changedWordArmsSince: async () => [],
    } as unknown as ArmStatsRepository;
    const state = new LearnedState(repository);
    await state.refresh();
    await state.refresh(ANNOUNCED_OVERLAP_MS);
    await state.refresh();
    expect(asked).toEqual([null, ANNOUNCED_OVERLAP_MS, REFRESH_OVERLAP_MS]);
    expect(state.refreshes).toBe(3);
    // An announced read under way when the poll asks: one more round, with the poll's margin.
    asked.length = 0;
    const first = state.refresh(ANNOUNCED_OVERLAP_MS);
    const second = state.refresh();
    const third = state.refresh(ANNOUNCED_OVERLAP_MS);
    await Promise.all([first, second, third]);
    expect(asked).toEqual([ANNOUNCED_OVERLAP_MS, REFRESH_OVERLAP_MS]);
    expect(state.armsFor('r').get('a')?.observations).toBe(1);
  });
});
