import { randomBytes } from 'node:crypto';
import { InProcessCounterStore, RedisCounterStore, type CounterStore } from '../../libs/budget/src';
import { REDIS_URL } from '../support/test-database';

describe.each([
  ['Redis (Lua)', () => new RedisCounterStore(REDIS_URL, `t${randomBytes(4).toString('hex')}:budget`)],
  ['in process', () => new InProcessCounterStore({ now: () => Date.now() })],
] as const)('counter store contract: %s', (_name, make) => {
  let store: CounterStore;
  beforeAll(() => {
    store = make();
  });
  afterAll(async () => {
    await store.close();
  });

  it('1000 concurrent reservations against a limit of 100 units: exactly 100 pass', async () => {
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        store.tryAdd([
          { keys: ['cap'], limit: 100 * 7, amount: 7, ttlMs: 60_000 },
          { keys: [`per-key-${i % 5}`], limit: null, amount: 7, ttlMs: 60_000 },
        ]),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(100);
    expect(results.filter((r) => !r.ok).every((r) => r.refused === 0)).toBe(true);
    expect(await store.sums([['cap'], ['per-key-0', 'per-key-1', 'per-key-2', 'per-key-3', 'per-key-4']])).toEqual([700, 700]);
  });

  it('a refused line leaves every other line untouched', async () => {
    const r = await store.tryAdd([
      { keys: ['free'], limit: 1000, amount: 5, ttlMs: 60_000 },
      { keys: ['full'], limit: 3, amount: 5, ttlMs: 60_000 },
    ]);
    expect(r).toMatchObject({ ok: false, refused: 1 });
    expect(await store.sums([['free'], ['full']])).toEqual([0, 0]);
  });

  it('settles with negative amounts and seeds only absent counters', async () => {
    await store.tryAdd([{ keys: ['s1', 's2'], limit: 100, amount: 40, ttlMs: 60_000 }]);
    await store.add([{ key: 's2', amount: -30, ttlMs: 60_000 }]);
    expect(await store.sums([['s1', 's2']])).toEqual([10]);
    await store.seed('s2', 99, 60_000);
    await store.seed('s3', 5, 60_000);
    expect(await store.sums([['s2'], ['s3']])).toEqual([10, 5]);
  });

  it('adds with a `once` key at most once, even when 50 copies of the add arrive together (a retry whose first reply was lost)', async () => {
    const entries = [
      { key: 'once-a', amount: 11, ttlMs: 60_000 },
      { key: 'once-b', amount: 3, ttlMs: 120_000 },
    ];
    const added = await Promise.all(Array.from({ length: 50 }, () => store.add(entries, { key: 'settled:call-1', ttlMs: 60_000 })));
    expect(added.filter(Boolean)).toHaveLength(1);
    expect(await store.add(entries, { key: 'settled:call-2', ttlMs: 60_000 })).toBe(true);
    await store.add(entries);
    expect(await store.sums([['once-a'], ['once-b']])).toEqual([33, 9]);
  });
});
