import { floatsToBytes, emptyWordArm } from '../../../../libs/router/src';
import type { ArmStatsRepository, WordArmRow } from '../../../../libs/storage/src';
import { LearnedState } from './learned-state';

function wordRow(modelId: string, observations: number, bias: number): WordArmRow {
  const arm = emptyWordArm(modelId);
  arm.mean[0] = bias;
  return { route: 'r', model_id: modelId, bits: arm.bits, prior_precision: arm.priorPrecision, observations, mean: floatsToBytes(arm.mean), precision: floatsToBytes(arm.precision), updated_at: new Date('2026-11-21T12:00:00Z') };
}

describe('LearnedState word models', () => {
  it('hands out the refreshed word model, decoding a row the overlap brings back only when its content changed', async () => {
    let rows = [wordRow('a', 1, 0.5)];
    const repository = { changedSince: async () => [], changedWordArmsSince: async () => rows } as unknown as ArmStatsRepository;
    const state = new LearnedState(repository);
    await state.refresh();
    const first = state.wordArmsFor('r', ['a'])[0];
    expect(first.observations).toBe(1);
    expect(first.mean[0]).toBeCloseTo(0.5, 6);
    await state.refresh(); // the same row again (same millisecond, same bytes): kept as decoded
    expect(state.wordArmsFor('r', ['a'])[0]).toBe(first);
    rows = [wordRow('a', 1, -0.25)]; // same millisecond and count, other weights (a fade): decoded again
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
