import { LeaseBook, leaseTopUp, MIN_REQUESTS_PER_LEASE, UNLIMITED_LEASE_REQUESTS } from './lease-book';

describe('leaseTopUp', () => {
  it('leases a sixteenth of what is left under the cap after this request', () => {
    expect(leaseTopUp(1_000_000, 200_000, 1_000)).toBe(Math.floor((1_000_000 - 200_000 - 1_000) / 16));
  });

  it('leases nothing near the cap, where every reservation must be exact', () => {
    const worst = 1_000;
    const justEnough = 16 * MIN_REQUESTS_PER_LEASE * worst + worst;
    expect(leaseTopUp(justEnough, 0, worst)).toBe(MIN_REQUESTS_PER_LEASE * worst);
    expect(leaseTopUp(justEnough - 16, 0, worst)).toBe(0);
    expect(leaseTopUp(5_000, 4_900, worst)).toBe(0);
  });

  it('leases a fixed number of worst cases on a counter without a limit, and nothing for free requests', () => {
    expect(leaseTopUp(null, 123, 10)).toBe(UNLIMITED_LEASE_REQUESTS * 10);
    expect(leaseTopUp(1_000_000, 0, 0)).toBe(0);
  });
});

describe('LeaseBook', () => {
  it('charges locally only while every key has room, all or nothing', () => {
    const book = new LeaseBook();
    expect(book.tryCharge(['a'], 10)).toBeUndefined();
    book.grant('a', 1000, 10, 25);
    book.grant('b', 1000, 10, 5);
    expect(book.tryCharge(['a', 'b'], 10)).toBeUndefined(); // b has 5 left
    expect(book.unused(['a'])).toBe(25); // the refused charge left a untouched
    const leases = book.tryCharge(['a'], 10);
    expect(leases?.map((l) => l.key)).toEqual(['a']);
    expect(book.unused(['a', 'b'])).toBe(15 + 5);
  });

  it('tells the limit a lease was sized for, so one taken under a changed limit can be given back', () => {
    const book = new LeaseBook();
    expect(book.leasedUnderLimit('a')).toBeUndefined();
    book.grant('a', 1000, 1, 20, { limitNano: 300, budgetId: 'rate-limit', worstNano: 1 });
    book.grant('b', 1000, 1, 20);
    expect(book.leasedUnderLimit('a')).toBe(300);
    expect(book.leasedUnderLimit('b')).toBeUndefined();
  });

  it('settling moves the charge from the reservation to the real cost', () => {
    const book = new LeaseBook();
    const lease = book.grant('a', 1000, 100, 300);
    book.settle([lease], 100, 40);
    expect(book.unused(['a'])).toBe(360);
    expect(lease.inFlight).toBe(0);
  });

  it('drain gives back unused room, owes costs above their reservations, and forgets idle leases', () => {
    const book = new LeaseBook();
    const a = book.grant('a', 1000, 100, 300); // leased 400
    book.settle([a], 100, 40); // charged 40
    const b = book.grant('b', 2000, 100, 0); // leased 100
    book.settle([b], 100, 130); // charged 130: 30 more than leased
    const c = book.grant('c', 3000, 50, 50); // in flight
    expect(book.drain()).toEqual([
      { key: 'a', amount: -360, ttlMs: 1000 },
      { key: 'b', amount: 30, ttlMs: 2000 },
      { key: 'c', amount: -50, ttlMs: 3000 },
    ]);
    expect(book.size).toBe(1); // only c, whose reservation is still in flight
    book.settle([c], 50, 20);
    expect(book.drain()).toEqual([{ key: 'c', amount: -30, ttlMs: 3000 }]);
    expect(book.size).toBe(0);
    expect(book.drain()).toEqual([]);
  });

  it('the shared counter ends exact: sum of adjustments plus grants equals the real costs', () => {
    const book = new LeaseBook();
    let shared = 0;
    const real: number[] = [];
    const take = (reserve: number, topUp: number) => {
      shared += reserve + topUp;
      return book.grant('k', 1000, reserve, topUp);
    };
    const first = take(100, 1000);
    const locals = [1, 2, 3].map(() => book.tryCharge(['k'], 100)!);
    [first, ...locals.map((l) => l[0])].forEach((lease, i) => {
      real.push(30 + i);
      book.settle([lease], 100, 30 + i);
    });
    for (const adj of book.drain()) shared += adj.amount;
    expect(shared).toBe(real.reduce((s, x) => s + x, 0));
  });

  it('a drain with retain keeps up to a fresh lease of a lease in use, and gives back the rest', () => {
    const book = new LeaseBook();
    let shared = 0;
    const take = (key: string, reserve: number, topUp: number) => {
      shared += reserve + topUp;
      return book.grant(key, 1000, reserve, topUp);
    };
    const busy = take('busy', 100, 1000); // leased 1100, charged 100
    book.settle([busy], 100, 40); // charged 40: 1060 unused
    const idle = take('idle', 100, 1000);
    book.settle([idle], 100, 40);
    for (const a of book.drain()) shared += a.amount; // idle and busy alike given back, as a sync without retain does
    expect(book.size).toBe(0);
    const busy2 = take('busy', 100, 1000);
    book.settle([busy2], 100, 40);
    const retain = (lease: { key: string }) => (lease.key === 'busy' ? 500 : 0);
    let adjustments = book.drain(undefined, retain);
    expect(adjustments).toEqual([{ key: 'busy', amount: -560, ttlMs: 1000 }]); // keeps 500 of its 1060 unused
    for (const a of adjustments) shared += a.amount;
    expect(book.unused(['busy'])).toBe(500);
    // The next requests charge locally: no lease, no round trip.
    const local = book.tryCharge(['busy'], 100)!;
    expect(local).toHaveLength(1);
    book.settle(local, 100, 60);
    // Charged since the last drain: still in use, keeps a fresh lease again (440 unused, all kept).
    expect(book.drain(undefined, retain)).toEqual([]);
    expect(book.unused(['busy'])).toBe(440);
    // Not charged since: idle now, everything goes back and the lease is forgotten.
    adjustments = book.drain(undefined, retain);
    expect(adjustments).toEqual([{ key: 'busy', amount: -440, ttlMs: 1000 }]);
    for (const a of adjustments) shared += a.amount;
    expect(book.size).toBe(0);
    expect(shared).toBe(40 + 40 + 40 + 60); // exact once idle: the real costs only
  });

  it('with idle drains, an unused lease keeps its room that many drains after its last use, then gives it all back', () => {
    const book = new LeaseBook();
    let shared = 0;
    const lease = book.grant('k', 1000, 100, 1000);
    shared += 1100;
    book.settle([lease], 100, 40); // 1060 unused
    const retain = () => 500;
    // The drain right after the use keeps a fresh lease (in use), the next 3 keep it while idle.
    for (let i = 0; i < 4; i++) for (const a of book.drain(undefined, retain, 3)) shared += a.amount;
    expect(book.unused(['k'])).toBe(500);
    // A sporadic request charges locally, and the idle count starts again.
    const local = book.tryCharge(['k'], 100)!;
    expect(local).toHaveLength(1);
    book.settle(local, 100, 60);
    for (let i = 0; i < 4; i++) for (const a of book.drain(undefined, retain, 3)) shared += a.amount;
    expect(book.unused(['k'])).toBe(440);
    // The fifth drain in a row without a use gives everything back; the counter is exact again.
    for (const a of book.drain(undefined, retain, 3)) shared += a.amount;
    expect(book.size).toBe(0);
    expect(shared).toBe(40 + 60);
  });

  it('without idle drains (the default) an idle lease gives everything back at the first drain, as before', () => {
    const book = new LeaseBook();
    const lease = book.grant('k', 1000, 100, 1000);
    book.settle([lease], 100, 40);
    expect(book.drain(undefined, () => 500)).toEqual([{ key: 'k', amount: -560, ttlMs: 1000 }]);
    expect(book.drain(undefined, () => 500)).toEqual([{ key: 'k', amount: -500, ttlMs: 1000 }]);
    expect(book.size).toBe(0);
  });

  it('a drain with retain counts a lease with a request in flight (a long stream) as in use', () => {
    const book = new LeaseBook();
    book.grant('k', 1000, 100, 1000); // a stream: reserved 100, not settled
    expect(book.drain(undefined, () => 500)).toEqual([{ key: 'k', amount: -500, ttlMs: 1000 }]);
    // Not charged since, but the stream is still open: still in use, keeps its room.
    expect(book.drain(undefined, () => 500)).toEqual([]);
    expect(book.unused(['k'])).toBe(500);
    expect(book.tryCharge(['k'], 100)).toHaveLength(1); // the next stream reserves locally
  });

  it('a drain with retain keeps nothing near a cap (retain 0) and when limited to some keys', () => {
    const book = new LeaseBook();
    const lease = book.grant('k', 1000, 100, 1000);
    book.settle([lease], 100, 40);
    expect(book.drain(undefined, () => 0)).toEqual([{ key: 'k', amount: -1060, ttlMs: 1000 }]);
    const again = book.grant('k', 1000, 100, 1000);
    book.settle([again], 100, 40);
    expect(book.drain(new Set(['k']))).toEqual([{ key: 'k', amount: -1060, ttlMs: 1000 }]);
  });

  it('restore puts back adjustments that could not be written, to be drained again', () => {
    const book = new LeaseBook();
    const a = book.grant('a', 1000, 100, 300);
    book.settle([a], 100, 40);
    const failed = book.drain(new Set(['a']));
    expect(book.size).toBe(0);
    book.restore(failed);
    expect(book.drain()).toEqual(failed);
  });
});
