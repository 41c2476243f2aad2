import { periodWindow, ROLLING_BUCKETS } from './period';

const at = (iso: string) => Date.parse(iso);

describe('periodWindow', () => {
  it('a day runs from UTC midnight to the next', () => {
    const w = periodWindow({ kind: 'day' }, at('2026-11-21T13:30:00Z'));
    expect(new Date(w.startMs).toISOString()).toBe('2026-11-21T00:00:00.000Z');
    expect(new Date(w.resetMs).toISOString()).toBe('2026-11-22T00:00:00.000Z');
    expect(w.buckets).toEqual(['d2026-11-21']);
    expect(w.elapsedFraction).toBeCloseTo(13.5 / 24, 10);
  });

  it('a week starts on Monday (ISO), also from a Sunday', () => {
    const sunday = periodWindow({ kind: 'week' }, at('2026-11-22T23:59:59Z'));
    expect(sunday.buckets).toEqual(['w2026-11-16']);
    expect(new Date(sunday.resetMs).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(periodWindow({ kind: 'week' }, at('2026-11-23T00:00:00Z')).buckets).toEqual(['w2026-11-23']);
  });

  it('a month ends at the first of the next, across a year end', () => {
    const w = periodWindow({ kind: 'month' }, at('2026-12-31T23:00:00Z'));
    expect(w.buckets).toEqual(['m2026-12']);
    expect(new Date(w.resetMs).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('a rolling window covers every bucket it overlaps, the current one last', () => {
    const now = at('2026-11-21T12:00:30Z');
    const w = periodWindow({ kind: 'rolling', windowSeconds: 3600 }, now);
    expect(w.buckets).toHaveLength(ROLLING_BUCKETS + 1);
    expect(w.buckets[w.buckets.length - 1]).toBe(`r60000:${Math.floor(now / 60_000)}`);
    expect(w.buckets[0]).toBe(`r60000:${Math.floor((now - 3_600_000) / 60_000)}`);
    expect(w.elapsedFraction).toBe(1);
    // A minute later the oldest bucket has left and a new one is current.
    const later = periodWindow({ kind: 'rolling', windowSeconds: 3600 }, now + 60_000);
    expect(later.buckets[0]).toBe(w.buckets[1]);
  });

  it('counter lifetimes outlast their period', () => {
    const now = at('2026-11-21T23:59:00Z');
    const day = periodWindow({ kind: 'day' }, now);
    expect(now + day.ttlMs).toBeGreaterThan(day.resetMs);
    const rolling = periodWindow({ kind: 'rolling', windowSeconds: 600 }, now);
    expect(rolling.ttlMs).toBeGreaterThan(600_000);
  });

  it('reuses a period\'s buckets until its boundary, and is right again on both sides of it (any order of calls)', () => {
    const a = periodWindow({ kind: 'day' }, at('2026-11-21T10:00:00Z'));
    const b = periodWindow({ kind: 'day' }, at('2026-11-21T23:59:59.999Z'));
    expect(b.buckets).toBe(a.buckets);
    expect(b.elapsedFraction).toBeGreaterThan(a.elapsedFraction);
    expect(periodWindow({ kind: 'day' }, at('2026-11-22T00:00:00Z')).buckets).toEqual(['d2026-11-22']);
    // A clock that goes back (another test's clock, a fake) gets the earlier day, not the cached one.
    expect(periodWindow({ kind: 'day' }, at('2026-11-20T12:00:00Z')).buckets).toEqual(['d2026-11-20']);
    expect(Object.isFrozen(a.buckets)).toBe(true);
    const r1 = periodWindow({ kind: 'rolling', windowSeconds: 60 }, at('2026-11-21T10:00:00.000Z'));
    const r2 = periodWindow({ kind: 'rolling', windowSeconds: 60 }, at('2026-11-21T10:00:00.500Z'));
    expect(r2.buckets).toBe(r1.buckets);
    expect(r2.startMs - r1.startMs).toBe(500);
    const r3 = periodWindow({ kind: 'rolling', windowSeconds: 60 }, at('2026-11-21T10:00:01.000Z'));
    expect(r3.buckets).not.toBe(r1.buckets);
    expect(r3.buckets[r3.buckets.length - 1]).toBe(`r1000:${Math.floor(at('2026-11-21T10:00:01.000Z') / 1000)}`);
  });
});
