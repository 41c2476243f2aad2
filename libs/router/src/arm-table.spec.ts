import { seededRandom } from '../../core/src';
import type { ArmState } from './arm-state';
import { armCountsFor, armsByIndex, ArmTable, derivedFrom } from './arm-table';
import { pooledContextBeliefsByIndexInto } from './hashed-logistic';
import { arm } from './spec-fixtures';
import { decide, type Candidate, type RoutePolicy } from './thompson-policy';

const ids = ['a', 'b', 'c'];

describe('ArmTable', () => {
  it('is a Map of the arms it is given', () => {
    const table = new ArmTable([
      ['a', arm('a', 3, 1)],
      ['c', arm('c', 0.5, 2)],
    ]);
    expect(table).toBeInstanceOf(Map);
    expect(table.size).toBe(2);
    expect(table.get('c')).toEqual(arm('c', 0.5, 2));
    expect([...table.keys()]).toEqual(['a', 'c']);
  });

  it('gives each id its arm counts by index, zeros for an id without an arm', () => {
    const table = new ArmTable([
      ['c', arm('c', 0.5, 2)],
      ['a', arm('a', 3, 1)],
    ]);
    expect(Array.from(table.countsFor(ids))).toEqual([3, 1, 0, 0, 0.5, 2]);
  });

  it('hands out the same column while nothing changed, and a rebuilt one after any write', () => {
    const table = new ArmTable([['a', arm('a', 3, 1)]]);
    const first = table.countsFor(ids);
    expect(table.countsFor(ids)).toBe(first);
    table.set('b', arm('b', 7, 2));
    expect(Array.from(table.countsFor(ids))).toEqual([3, 1, 7, 2, 0, 0]);
    table.set('a', arm('a', 4, 1));
    expect(Array.from(table.countsFor(ids))).toEqual([4, 1, 7, 2, 0, 0]);
    table.delete('b');
    expect(Array.from(table.countsFor(ids))).toEqual([4, 1, 0, 0, 0, 0]);
    table.clear();
    expect(Array.from(table.countsFor(ids))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('builds the column again for another ids array, even with the same ids', () => {
    const table = new ArmTable([
      ['a', arm('a', 3, 1)],
      ['b', arm('b', 7, 2)],
    ]);
    expect(Array.from(table.countsFor(['a', 'b']))).toEqual([3, 1, 7, 2]);
    expect(Array.from(table.countsFor(['b', 'a']))).toEqual([7, 2, 3, 1]);
    expect(Array.from(table.countsFor(['b']))).toEqual([7, 2]);
    expect(Array.from(table.countsFor(['a', 'b']))).toEqual([3, 1, 7, 2]);
  });

  it('gives each id its arm by index, the same array until a write or another ids array', () => {
    const a = arm('a', 3, 1);
    const table = new ArmTable([['a', a]]);
    const first = table.armsFor(ids);
    expect(first).toEqual([a, undefined, undefined]);
    expect(first[0]).toBe(a);
    expect(table.armsFor(ids)).toBe(first);
    const b = arm('b', 7, 2);
    table.set('b', b);
    const second = table.armsFor(ids);
    expect(second).not.toBe(first);
    expect(second).toEqual([a, b, undefined]);
    // The array handed out before is left as it was.
    expect(first).toEqual([a, undefined, undefined]);
    expect(table.armsFor(['b', 'a'])).toEqual([b, a]);
    table.delete('a');
    expect(table.armsFor(['b', 'a'])).toEqual([b, undefined]);
    expect(armsByIndex(new Map([['a', a]]), ids)).toBeUndefined();
    expect(armsByIndex(table, ['b'])).toEqual([b]);
  });

  it('keeps a derived value until the next write, one function at a time', () => {
    const table = new ArmTable([['a', arm('a', 3, 1)]]);
    let calls = 0;
    const total = (arms: ReadonlyMap<string, ArmState>) => {
      calls++;
      let sum = 0;
      for (const x of arms.values()) sum += x.successes;
      return sum;
    };
    const count = (arms: ReadonlyMap<string, ArmState>) => arms.size;
    expect(derivedFrom(table, total)).toBe(3);
    expect(derivedFrom(table, total)).toBe(3);
    expect(calls).toBe(1);
    table.set('b', arm('b', 7, 2));
    expect(derivedFrom(table, total)).toBe(10);
    expect(calls).toBe(2);
    expect(derivedFrom(table, count)).toBe(2);
    expect(derivedFrom(table, total)).toBe(10);
    expect(calls).toBe(3);
    // A plain Map is derived from on every call.
    const plain = new Map([['a', arm('a', 3, 1)]]);
    expect(derivedFrom(plain, total)).toBe(3);
    expect(derivedFrom(plain, total)).toBe(3);
    expect(calls).toBe(5);
  });

  it('armCountsFor reads an ArmTable only: any other Map is read model by model', () => {
    expect(armCountsFor(new Map([['a', arm('a', 3, 1)]]), ids)).toBeUndefined();
    expect(armCountsFor(undefined, ids)).toBeUndefined();
    expect(Array.from(armCountsFor(new ArmTable([['a', arm('a', 3, 1)]]), ids)!)).toEqual([3, 1, 0, 0, 0, 0]);
  });
});

/** Every number of a decision by its bits, and the order. */
function digest(decision: ReturnType<typeof decide>): string {
  return JSON.stringify(decision, (_key, value: unknown) => (typeof value === 'number' ? (Object.is(value, -0) ? '-0' : value.toString(16) + ':' + value) : value));
}

describe('decide and the pooled beliefs read from the counts as from the Map', () => {
  it('the same decisions and random draws over a run of decisions with the arms rewritten between them', () => {
    const random = seededRandom(7);
    const modelIds = Array.from({ length: 12 }, (_, i) => `m${i}`);
    const candidates: Candidate[] = modelIds.map((modelId, i) => ({ modelId, expectedCostUsd: 0.0001 * (i + 1) ** 2, eligible: true }));
    const randomArm = (modelId: string): ArmState => {
      const n = random() < 0.1 ? 0 : 400 * random();
      const q = random();
      return { modelId, successes: q * n, failures: (1 - q) * n, completionTokens: 0, costUsd: 0, observations: Math.floor(n) };
    };
    const routeArms = new Map(modelIds.map((id) => [id, randomArm(id)]));
    const plain = new Map<string, ArmState>();
    const table = new ArmTable();
    const policies: RoutePolicy[] = [
      { qualityFloor: 0.7, priorSuccesses: 1, priorFailures: 1, floorConfidence: 0.9, costWeight: 0.5, maxUntriedShare: 0.1 },
      { qualityFloor: 0.8, priorSuccesses: 1, priorFailures: 1, relativeFloor: 0.95 },
      { qualityFloor: 0.6, priorSuccesses: 1, priorFailures: 1, floorConfidence: 0.8, exploreCheaperShare: 0.3 },
    ];
    const logits = [new Float64Array(12), new Float64Array(12)];
    const variances = [new Float64Array(12), new Float64Array(12)];
    const seen = new Set<string>();
    for (let step = 0; step < 600; step++) {
      // Rewrite, add or remove some arms in both (the table's column must follow every write).
      const writes = Math.floor(random() * 3);
      for (let w = 0; w < writes; w++) {
        const id = modelIds[Math.floor(random() * modelIds.length)];
        if (random() < 0.2) {
          plain.delete(id);
          table.delete(id);
        } else {
          const fresh = randomArm(id);
          plain.set(id, fresh);
          table.set(id, fresh);
        }
      }
      const policy = policies[step % policies.length];
      const seed = Math.floor(random() * 1e9);
      const fromMap = seededRandom(seed);
      const fromCounts = seededRandom(seed);
      const viaMap = decide(candidates, routeArms, policy, fromMap, { contextArms: plain });
      const viaCounts = decide(candidates, routeArms, policy, fromCounts, { contextArms: table, contextCounts: armCountsFor(table, modelIds) });
      expect(digest(viaCounts)).toBe(digest(viaMap));
      expect(fromCounts()).toBe(fromMap());
      seen.add(viaMap.reason);
      const routeByIndex = modelIds.map((id) => routeArms.get(id));
      const priors = modelIds.map((_, i) => (i % 3 === 0 ? undefined : 0.5 + 0.04 * i));
      pooledContextBeliefsByIndexInto(modelIds, routeByIndex, plain, priors, { contextPriorStrength: 8 }, logits[0], variances[0]);
      pooledContextBeliefsByIndexInto(modelIds, routeByIndex, table, priors, { contextPriorStrength: 8 }, logits[1], variances[1], armCountsFor(table, modelIds));
      for (let i = 0; i < 12; i++) {
        expect(Object.is(logits[1][i], logits[0][i])).toBe(true);
        expect(Object.is(variances[1][i], variances[0][i])).toBe(true);
      }
    }
    // Both kinds of decision were reached (the comparison is not of one trivial case).
    expect([...seen].sort()).toEqual(['exploit', 'explore']);
  });
});
