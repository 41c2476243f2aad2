import type { BudgetPeriod } from '../../../../libs/budget/src';
import type { RouteSpec } from '../../../../libs/config/src';
import type { BudgetRow } from '../../../../libs/storage/src/repositories/budget.repository';

export type BudgetScope = 'key' | 'tenant' | 'route';

export interface BudgetDefinition {
  id: string;
  scope: BudgetScope;
  /** Key id, tenant id or route name. */
  subject: string;
  period: BudgetPeriod;
  hardLimitUsd: number | null;
  softLimitUsd: number | null;
  /** `config`: a route's budget_usd_per_day from the routing file. */
  source: 'admin' | 'config';
}

export function fromRow(row: BudgetRow): BudgetDefinition {
  const period: BudgetPeriod = row.period === 'rolling' ? { kind: 'rolling', windowSeconds: row.window_seconds ?? 86_400 } : { kind: row.period };
  return { id: row.id, scope: row.scope, subject: row.subject, period, hardLimitUsd: row.hard_limit_usd, softLimitUsd: row.soft_limit_usd, source: 'admin' };
}

/** A route's `budget_usd_per_day` is a hard daily cap like any other route budget. */
export function fromRouteConfig(route: Pick<RouteSpec, 'name' | 'budgetUsdPerDay'>): BudgetDefinition | undefined {
  if (route.budgetUsdPerDay === undefined) return undefined;
  return { id: `config_${route.name}`, scope: 'route', subject: route.name, period: { kind: 'day' }, hardLimitUsd: route.budgetUsdPerDay, softLimitUsd: null, source: 'config' };
}

/** The subject of a route tier's budget: requests of that tier reserve in it as well as in the route's. */
export function tierSubject(route: string, tier: string): string {
  return `${route}#tier=${tier}`;
}

/** A route's budget and its tiers' own `budget_usd_per_day`, each a hard daily cap shared by every gateway process. */
export function routeBudgets(route: RouteSpec): BudgetDefinition[] {
  const out: BudgetDefinition[] = [];
  const own = fromRouteConfig(route);
  if (own) out.push(own);
  for (const tier of route.tiers?.values() ?? []) {
    if (tier.budgetUsdPerDay === undefined) continue;
    const subject = tierSubject(route.name, tier.name);
    out.push({ id: `config_${subject}`, scope: 'route', subject, period: { kind: 'day' }, hardLimitUsd: tier.budgetUsdPerDay, softLimitUsd: null, source: 'config' });
  }
  return out;
}
