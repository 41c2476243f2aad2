import type { SpendRepository } from '../../../../libs/storage/src';
import { SpendTracker } from './spend-tracker';

function fakeRepository(rollup: Map<string, number>) {
  const calls: string[] = [];
  const repository = {
    spendByRoute: async (day: string) => {
      calls.push(day);
      return new Map(rollup);
    },
  } as unknown as SpendRepository;
  return { repository, calls };
}

describe('SpendTracker', () => {
  const noon = Date.parse('2026-11-21T12:00:00Z');

  it('names the UTC day of its clock, across midnight and back', () => {
    let now = Date.parse('2026-11-21T23:59:59.999Z');
    const tracker = new SpendTracker(fakeRepository(new Map()).repository, { now: () => now });
    expect(tracker.today()).toBe('2026-11-21');
    now += 1;
    expect(tracker.today()).toBe('2026-11-22');
    now = Date.parse('2026-11-20T08:00:00Z');
    expect(tracker.today()).toBe('2026-11-20');
  });

  it("counts served cost at once, and moves a written batch's cost to confirmed without a query", async () => {
    const rollup = new Map([['r', 1]]);
    const { repository, calls } = fakeRepository(rollup);
    const tracker = new SpendTracker(repository, { now: () => noon });
    await tracker.refresh();
    expect(calls).toEqual(['2026-11-21']);
    tracker.add('r', 0.25);
    tracker.add('r', 0.5);
    expect(tracker.spentToday('r')).toBeCloseTo(1.75, 12);
    tracker.written([{ route: 'r', costUsd: 0.25 }]);
    expect(tracker.spentToday('r')).toBeCloseTo(1.75, 12);
    expect(calls).toHaveLength(1);
    // The poll's refresh brings what the database holds (this batch, and other processes' spend).
    rollup.set('r', 1.25 + 2);
    await tracker.refresh();
    expect(tracker.spentToday('r')).toBeCloseTo(3.75, 12);
  });

  it('after midnight UTC, counts only what is not written until the next refresh reads the new day', async () => {
    let now = noon;
    const { repository } = fakeRepository(new Map([['r', 5]]));
    const tracker = new SpendTracker(repository, { now: () => now });
    await tracker.refresh();
    now = Date.parse('2026-11-22T00:00:01Z');
    tracker.add('r', 0.5);
    tracker.written([{ route: 'r', costUsd: 0.5 }]);
    expect(tracker.spentToday('r')).toBe(0);
  });
});
