import { applyObservation, type ArmState } from '../../libs/router/src';
import { capRefutedArm, capRefutedEvidence, evidenceForChance } from './refuted-cap';

const arm = (modelId: string, successes: number, failures: number, costUsd = 0): ArmState => ({ modelId, successes, failures, completionTokens: 10 * (successes + failures), costUsd, observations: 7 });
const options = { cap: 50, floor: 0.57 };

describe("round 38 cap on a refuted arm's evidence", () => {
  it('scales a refuted arm with more than the cap down to the cap, keeping its means', () => {
    const a = arm('m', 520, 480, 2);
    const c = capRefutedArm(a, options);
    expect(c.successes + c.failures).toBeCloseTo(50, 10);
    expect(c.successes / (c.successes + c.failures)).toBeCloseTo(0.52, 10);
    expect(c.costUsd).toBeCloseTo(0.1, 10); // 2 / 1000 per unit of evidence, as before
    expect(c.completionTokens).toBeCloseTo(500, 10);
    expect(c.observations).toBe(7); // the undiscounted count for reports is not evidence
  });

  it('leaves arms at or over the floor, and refuted arms within the cap, as they are', () => {
    const good = arm('g', 600, 400);
    expect(capRefutedArm(good, options)).toBe(good);
    const atFloor = arm('f', 570, 430);
    expect(capRefutedArm(atFloor, options)).toBe(atFloor);
    const small = arm('s', 20, 30);
    expect(capRefutedArm(small, options)).toBe(small);
    const empty = arm('e', 0, 0);
    expect(capRefutedArm(empty, options)).toBe(empty);
  });

  it('caps only the named arm of a list', () => {
    const arms = [arm('a', 520, 480), arm('b', 300, 700)];
    const out = capRefutedEvidence(arms, 'a', options);
    expect(out[0].successes + out[0].failures).toBeCloseTo(50, 10);
    expect(out[1]).toBe(arms[1]);
  });

  it('lets a capped arm follow a rise within about cap scores, where the uncapped one stays under the floor', () => {
    // 1,000 scores at 0.52, then scores at 0.67 (2 in 3 pass): the capped arm's mean crosses the floor,
    // the uncapped one's (discount 0.9999, its evidence ~1,000) is still under it after 150 scores.
    let capped = [arm('m', 520, 480)];
    let plain = [arm('m', 520, 480)];
    capped = capRefutedEvidence(capped, 'm', options);
    let crossedAt: number | undefined;
    for (let i = 0; i < 150; i++) {
      const obs = { modelId: 'm', reward: i % 3 < 2 ? 1 : 0, costUsd: 0, completionTokens: 0 };
      capped = capRefutedEvidence(applyObservation(capped, obs, 0.9999), 'm', options);
      plain = applyObservation(plain, obs, 0.9999);
      const c = capped[0];
      if (crossedAt === undefined && c.successes / (c.successes + c.failures) >= 0.57) crossedAt = i + 1;
    }
    expect(crossedAt).toBeDefined();
    expect(crossedAt!).toBeLessThan(60);
    expect(plain[0].successes / (plain[0].successes + plain[0].failures)).toBeLessThan(0.57);
    // Once over the floor it is no longer capped: its evidence grows again.
    const c = capped[0];
    expect(c.successes + c.failures).toBeGreaterThan(50);
  });

  it('with a chance, keeps the evidence at which a draw clears the floor about that often: more for an arm just under it', () => {
    // z(0.99) = 2.326: 0.52 under 0.57 -> 2.326^2 * 0.2496 / 0.0025 - 1 = 539; 0.55 -> about 3,370.
    expect(evidenceForChance(0.52, 0.57, 0.01)).toBeCloseTo(539, 0);
    expect(evidenceForChance(0.55, 0.57, 0.01)).toBeGreaterThan(3_300);
    expect(evidenceForChance(0.6, 0.57, 0.01)).toBe(Infinity);
    const opts = { cap: 20, floor: 0.57, chance: 0.01 };
    const near = capRefutedArm(arm('n', 550, 450), opts);
    expect(near.successes + near.failures).toBe(1000); // under its 3,370: kept
    const far = capRefutedArm(arm('f', 5200, 4800), opts);
    expect(far.successes + far.failures).toBeCloseTo(539, 0);
    const worst = capRefutedArm(arm('w', 300, 700), opts);
    expect(worst.successes + worst.failures).toBeCloseTo(20, 10); // its own ~15 is under the cap: the cap
  });
});

