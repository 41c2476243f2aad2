import { applyJudge } from './combine-judge';

const passed = { reward: 1, results: [{ validator: 'non_empty', passed: true }] };
const failed = { reward: 0, results: [{ validator: 'truncation', passed: false, detail: 'finish_reason is length' }] };

describe('applyJudge', () => {
  it('weighs the normalised grade against the passed validators: (1 - weight) + weight x grade', () => {
    const low = applyJudge(passed, { kind: 'verdict', verdict: { score: 2, reason: 'Wrong.' } }, 0.5);
    expect(low.reward).toBeCloseTo(0.5 + 0.5 / 9, 12);
    expect(low.results.at(-1)).toEqual({ validator: 'judge', passed: false, detail: '2/10: Wrong.' });
    expect(applyJudge(passed, { kind: 'verdict', verdict: { score: 10, reason: '' } }, 0.5)).toEqual({ reward: 1, results: [...passed.results, { validator: 'judge', passed: true, detail: '10/10' }] });
    expect(applyJudge(passed, { kind: 'verdict', verdict: { score: 1, reason: 'x' } }, 1).reward).toBe(0);
    expect(applyJudge(passed, { kind: 'verdict', verdict: { score: 1, reason: 'x' } }, 0).reward).toBe(1);
  });

  it('keeps the reward at 0 when a validator failed, whatever the judge says', () => {
    expect(applyJudge(failed, { kind: 'verdict', verdict: { score: 10, reason: 'Great.' } }, 0.9).reward).toBe(0);
    expect(applyJudge(failed, { kind: 'skipped', reason: 'a validator failed' }, 0.9)).toEqual({ reward: 0, results: [...failed.results, { validator: 'judge', passed: true, detail: 'judge skipped: a validator failed' }] });
  });

  it('scores with the validators alone when the judge is unavailable, and says why', () => {
    expect(applyJudge(passed, { kind: 'unavailable', reason: 'server_error (HTTP 500)' }, 0.5)).toEqual({
      reward: 1,
      results: [...passed.results, { validator: 'judge', passed: true, detail: 'judge unavailable: server_error (HTTP 500)' }],
    });
  });
});
