import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../libs/core/src';
import { applyLogisticObservation, ArmTable, emptyWordArm, hashedPromptFeatures } from '../../libs/router/src';
import { planRoute } from '../../apps/gateway/src/routing/plan-route';
import { recordDecision, type DecisionBuild, type RecordedDecision } from './decision-equivalence';

/**
 * `decision-equivalence.spec.ts`'s 2,000 recorded decisions again, with each case's route and context
 * arms in an ArmTable, as the gateway's LearnedState hands them to planRoute since routing round 30
 * (read as one column of counts instead of a Map lookup per model): every decision, number for number,
 * with the same random draws.
 */
describe('planRoute decides from ArmTables as from Maps', () => {
  const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures/word-decisions.json'), 'utf8')) as { seed: number; decisions: RecordedDecision[] };
  const build: DecisionBuild = { planRoute, seededRandom, emptyWordArm, applyLogisticObservation, hashedPromptFeatures, armsAs: (arms) => new ArmTable(arms) };

  it('every recorded decision, bit for bit', () => {
    const differ: number[] = [];
    fixture.decisions.forEach((recorded, i) => {
      const now = recordDecision(build, fixture.seed, i);
      if (now.digest !== recorded.digest) differ.push(i);
    });
    expect(differ).toEqual([]);
  });
});
