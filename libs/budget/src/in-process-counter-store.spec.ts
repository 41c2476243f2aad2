import { InProcessCounterStore } from './in-process-counter-store';

function store() {
  let now = 1_000_000;
  const clock = { now: () => now };
  return { s: new InProcessCounterStore(clock), advance: (ms: number) => (now += ms) };
}

describe('InProcessCounterStore', () => {
  it('adds to every line or to none', async () => {
    const { s } = store();
    const ok = await s.tryAdd([
      { keys: ['a'], limit: 10, amount: 6, ttlMs: 1000 },
      { keys: ['b'], limit: 100, amount: 6, ttlMs: 1000 },
    ]);
    expect(ok).toEqual({ ok: true, refused: -1, sums: [6, 6] });
    const refused = await s.tryAdd([
      { keys: ['b'], limit: 100, amount: 6, ttlMs: 1000 },
      { keys: ['a'], limit: 10, amount: 6, ttlMs: 1000 },
    ]);
    expect(refused).toEqual({ ok: false, refused: 1, sums: [6, 6] });
    expect(await s.sums([['a'], ['b']])).toEqual([6, 6]);
  });

  it('checks a sum over several keys and adds to the last', async () => {
    const { s } = store();
    await s.add([{ key: 'x1', amount: 4, ttlMs: 1000 }]);
    const r = await s.tryAdd([{ keys: ['x1', 'x2'], limit: 10, amount: 5, ttlMs: 1000 }]);
    expect(r.sums).toEqual([9]);
    expect(await s.sums([['x1'], ['x2']])).toEqual([4, 5]);
    expect((await s.tryAdd([{ keys: ['x1', 'x2'], limit: 10, amount: 2, ttlMs: 1000 }])).ok).toBe(false);
  });

  it('a null limit only counts; settling may subtract', async () => {
    const { s } = store();
    expect((await s.tryAdd([{ keys: ['c'], limit: null, amount: 1e12, ttlMs: 1000 }])).ok).toBe(true);
    await s.add([{ key: 'c', amount: -1e12 + 3, ttlMs: 1000 }]);
    expect(await s.sums([['c']])).toEqual([3]);
  });

  it('counters expire on the injected clock; seeding never overwrites', async () => {
    const { s, advance } = store();
    await s.seed('d', 7, 1000);
    await s.seed('d', 99, 1000);
    expect(await s.sums([['d']])).toEqual([7]);
    advance(1000);
    expect(await s.sums([['d']])).toEqual([0]);
  });

  it('sweeps expired counters as time passes, even ones never read again', async () => {
    const { s, advance } = store();
    for (let i = 0; i < 50; i++) await s.add([{ key: `old-${i}`, amount: 1, ttlMs: 1000 }]);
    expect(s.size).toBe(50);
    advance(61_000);
    await s.add([{ key: 'new', amount: 1, ttlMs: 1000 }]);
    expect(s.size).toBe(1);
  });

  it('adds with a `once` key at most once while that key lives, then may add again', async () => {
    const { s, advance } = store();
    const once1 = { key: 'once-1', ttlMs: 2000 };
    expect(await s.add([{ key: 'c', amount: 5, ttlMs: 5000 }, { key: 'd', amount: 5, ttlMs: 5000 }], once1)).toBe(true);
    expect(await s.add([{ key: 'c', amount: 5, ttlMs: 5000 }], once1)).toBe(false);
    expect(await s.add([{ key: 'c', amount: 7, ttlMs: 5000 }], { key: 'once-2', ttlMs: 2000 })).toBe(true);
    expect(await s.sums([['c'], ['d']])).toEqual([12, 5]);
    advance(1999);
    expect(await s.add([{ key: 'c', amount: 5, ttlMs: 5000 }], once1)).toBe(false);
    advance(2);
    expect(await s.add([{ key: 'c', amount: 5, ttlMs: 5000 }], once1)).toBe(true);
    expect(await s.sums([['c']])).toEqual([17]);
  });
});
