import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../libs/core/src';
import { applyLogisticObservation, ArmTable, emptyWordArm, hashedPromptFeatures } from '../../libs/router/src';
import { planRoute } from '../../apps/gateway/src/routing/plan-route';
import { recordDecision, type CaseSeries, type DecisionBuild, type RecordedDecision } from './decision-equivalence';

const build: DecisionBuild = { planRoute, seededRandom, emptyWordArm, applyLogisticObservation, hashedPromptFeatures };
// Each case's route and context arms also in an ArmTable, as the gateway's LearnedState hands them to
// planRoute since routing round 30 (read as one column of counts instead of a Map lookup per model).
const tables: DecisionBuild = { ...build, armsAs: (arms) => new ArmTable(arms) };

/**
 * Two recorded fixtures; this build must make every decision again, number for number, with the same
 * random draws, whether the arms come in Maps or in ArmTables.
 *
 * `word-decisions.json`: the decisions of round 9's build (commit 7dff5a8, before round 10b made the
 * word learner's decision path faster) with routing round 14's Beta sampler, recorded by `node
 * dist/bench/routing/decision-equivalence.js record <dist> 2000` from round 14's build; round 9's own dist
 * with round 14's `beta-sampler.js` in place of its own makes all 2,000 of them (`... check <that dist>`).
 * Round 14 changed the draws, so the fixture recorded before it (round 9's draws) was replaced.
 * Re-recorded in session 13, when the sampler stopped drawing 0.5 for Beta draws whose two gammas
 * underflow (18 of the 2,000 digests moved, 2 choices); round 9's dist with that `beta-sampler.js` again
 * makes all 2,000.
 *
 * `gateway-policy-decisions.json` (routing round 32): the gated safe exploration's two settings
 * (`floor_confidence: auto`: `floorConfidence` 0.8 with `exploreCheaperShare` 0.3 in two cases of three,
 * 0.9 without a share in the third, context prior strength 32; either learner), 2,000 decisions recorded
 * from main at ce1fd16 before round 32 made that policy's decision cheaper (`node
 * dist/bench/routing/decision-equivalence.js record <dist> 2000 gateway_policy`). Of the 2,000, 1,267
 * reach the guaranteed share (`guaranteedExploration`): 103 serve a model by it, 160 leave part of the
 * surplus to the funded exploration.
 */
describe.each([
  ['round 10b', 'word-decisions.json', undefined],
  ['round 32', 'gateway-policy-decisions.json', 'gateway_policy'],
] as const)('planRoute decides as the build before %s did (%s)', (_round, file, series) => {
  const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', file), 'utf8')) as { seed: number; series?: CaseSeries; decisions: RecordedDecision[] };

  it.each([
    ['arms in Maps', build],
    ['arms in ArmTables', tables],
  ])('every recorded decision, bit for bit (%s)', (_, from) => {
    expect(fixture.series).toBe(series);
    const differ: number[] = [];
    fixture.decisions.forEach((recorded, i) => {
      const now = recordDecision(from, fixture.seed, i, fixture.series);
      if (now.digest !== recorded.digest) differ.push(i);
    });
    expect(differ).toEqual([]);
  });

  it('the recorded cases reach every kind of decision', () => {
    const reasons = new Set(fixture.decisions.map((d) => d.reason));
    expect([...reasons].sort()).toEqual(['constraint', 'error', 'exploit', 'explore', 'only_candidate']);
    expect(fixture.decisions.length).toBeGreaterThanOrEqual(2000);
  });
});
