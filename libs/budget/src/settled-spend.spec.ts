import type { BudgetDefinition } from './budget-definition';
import { InProcessCounterStore } from './in-process-counter-store';
import { budgetWithoutRoom, hardLimitChecks, SETTLED_SPEND_ONCE_TTL_MS, SettledSpendCounter, settledSpendAdds } from './settled-spend';

const budget = (id: string, scope: BudgetDefinition['scope'], subject: string, period: BudgetDefinition['period'] = { kind: 'day' }): BudgetDefinition => ({
  id,
  scope,
  subject,
  period,
  hardLimitUsd: 1,
  softLimitUsd: null,
  source: 'admin',
});

const NOW = Date.parse('2026-12-07T10:00:00Z');

describe('settledSpendAdds', () => {
  const budgets = [
    budget('k1', 'key', 'key_a'),
    budget('t1', 'tenant', 'acme'),
    budget('t2', 'tenant', 'other'),
    budget('r1', 'route', 'support'),
    budget('r2', 'route', 'support#tier=pro'),
    budget('w1', 'tenant', 'acme', { kind: 'week' }),
  ];

  it("adds a cost to the current bucket of each of its payer's key, tenant, route and tier budgets, and no other", () => {
    const adds = settledSpendAdds(budgets, [{ payer: { keyId: 'key_a', tenantId: 'acme', route: 'support', tier: 'pro' }, costUsd: 0.25 }], NOW);
    expect(adds.map((a) => [a.key, a.amount])).toEqual([
      ['b:k1:d2026-12-07', 250_000_000],
      ['b:t1:d2026-12-07', 250_000_000],
      ['b:r1:d2026-12-07', 250_000_000],
      ['b:r2:d2026-12-07', 250_000_000],
      ['b:w1:w2026-12-07', 250_000_000],
    ]);
    expect(adds.every((a) => a.ttlMs > 0)).toBe(true);
  });

  it('sums costs of one counter into one addition; a payer without a key or tier counts in its tenant and route only', () => {
    const adds = settledSpendAdds(
      budgets,
      [
        { payer: { keyId: null, tenantId: 'acme', route: 'support' }, costUsd: 0.1 },
        { payer: { keyId: null, tenantId: 'acme', route: 'elsewhere' }, costUsd: 0.2 },
        { payer: { keyId: 'key_a', tenantId: 'acme', route: 'support' }, costUsd: 0 },
      ],
      NOW,
    );
    expect(adds.filter((a) => a.key.startsWith('b:t1:'))).toEqual([expect.objectContaining({ amount: 300_000_000 })]);
    expect(adds.filter((a) => a.key.startsWith('b:r1:'))).toEqual([expect.objectContaining({ amount: 100_000_000 })]);
    expect(adds.some((a) => a.key.startsWith('b:k1:') || a.key.startsWith('b:r2:') || a.key.startsWith('b:t2:'))).toBe(false);
  });
});

describe('hardLimitChecks and budgetWithoutRoom', () => {
  const payer = { keyId: 'key_a', tenantId: 'acme', route: 'support', tier: 'pro' };
  const limited = (id: string, scope: BudgetDefinition['scope'], subject: string, hard: number | null, soft: number | null = null, period: BudgetDefinition['period'] = { kind: 'day' }): BudgetDefinition => ({
    ...budget(id, scope, subject, period),
    hardLimitUsd: hard,
    softLimitUsd: soft,
  });

  it("checks the hard limits of the payer's key, tenant, route and tier budgets, never a soft-only one or another payer's", () => {
    const checks = hardLimitChecks(
      [limited('k1', 'key', 'key_a', 1), limited('t1', 'tenant', 'acme', null, 0.001), limited('t2', 'tenant', 'other', 0.5), limited('r2', 'route', 'support#tier=pro', 2)],
      payer,
      NOW,
    );
    expect(checks.map((c) => [c.budget.id, c.keys, c.limitNano])).toEqual([
      ['k1', ['b:k1:d2026-12-07'], 1_000_000_000],
      ['r2', ['b:r2:d2026-12-07'], 2_000_000_000],
    ]);
  });

  it("sums a rolling window's every bucket", () => {
    const [check] = hardLimitChecks([limited('w', 'tenant', 'acme', 1, null, { kind: 'rolling', windowSeconds: 3 * 3600 })], payer, NOW);
    expect(check.keys.length).toBeGreaterThan(1);
    expect(check.keys.every((k) => k.startsWith('b:w:'))).toBe(true);
  });

  it('has room for a cost that exactly fills a limit, none for one nano-dollar more, and names the first limit without room', () => {
    const checks = hardLimitChecks([limited('k1', 'key', 'key_a', 1), limited('t1', 'tenant', 'acme', 0.5)], payer, NOW);
    expect(budgetWithoutRoom(checks, [0, 400_000_000], 0.1)).toBeUndefined();
    expect(budgetWithoutRoom(checks, [0, 400_000_001], 0.1)?.id).toBe('t1');
    expect(budgetWithoutRoom(checks, [950_000_000, 450_000_000], 0.1)?.id).toBe('k1');
  });
});

describe('SettledSpendCounter', () => {
  const payer = { keyId: 'key_a', tenantId: 'acme', route: 'support' };
  const clock = { now: () => NOW };
  const budgets = async () => [budget('t1', 'tenant', 'acme')];

  it('counts a spend with an id once however often it is counted (a retried write), and each id and each spend without one', async () => {
    const store = new InProcessCounterStore(clock);
    const counter = new SettledSpendCounter(budgets, store, clock);
    await counter.count([{ payer, costUsd: 0.1, id: 'call-1' }]);
    await counter.count([{ payer, costUsd: 0.1, id: 'call-1' }, { payer, costUsd: 0.2, id: 'call-2' }]);
    await counter.count([{ payer, costUsd: 0.05 }]);
    await counter.count([{ payer, costUsd: 0.05 }]);
    expect(await store.sums([['b:t1:d2026-12-07']])).toEqual([400_000_000]);
  });

  it("keeps a spend's mark for a day, not for its budget's whole (weekly) period", async () => {
    let now = NOW;
    const moving = { now: () => now };
    const store = new InProcessCounterStore(moving);
    const counter = new SettledSpendCounter(async () => [budget('w1', 'tenant', 'acme', { kind: 'week' })], store, moving);
    await counter.count([{ payer, costUsd: 0.1, id: 'call-1' }]);
    now += SETTLED_SPEND_ONCE_TTL_MS - 1;
    await counter.count([{ payer, costUsd: 0.1, id: 'call-1' }]);
    expect(await store.sums([['b:w1:w2026-12-07']])).toEqual([100_000_000]);
    now += 2;
    await counter.count([{ payer, costUsd: 0.1, id: 'call-1' }]);
    expect(await store.sums([['b:w1:w2026-12-07']])).toEqual([200_000_000]);
  });

  it("finds no room once the tenant's hard limit cannot take the cost, whatever its soft limit", async () => {
    const store = new InProcessCounterStore(clock);
    const counter = new SettledSpendCounter(async () => [{ ...budget('t1', 'tenant', 'acme'), softLimitUsd: 0.01 }], store, clock);
    await counter.count([{ payer, costUsd: 0.7, id: 'c' }]);
    expect(await counter.budgetWithoutRoom(payer, 0.3)).toBeUndefined();
    expect((await counter.budgetWithoutRoom(payer, 0.300000001))?.id).toBe('t1');
    expect(await counter.budgetWithoutRoom({ ...payer, tenantId: 'other' }, 5)).toBeUndefined();
  });
});
