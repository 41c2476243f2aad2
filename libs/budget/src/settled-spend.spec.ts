import type { BudgetDefinition } from './budget-definition';
import { settledSpendAdds } from './settled-spend';

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
