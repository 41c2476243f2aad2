import type { AppConfig, RouteSpec } from '../../config/src';
import type { BudgetRow } from '../../storage/src/repositories/budget.repository';
import type { BudgetPeriod } from './period';

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

/** Every budget the routing file configures: chat routes' and their tiers' `budget_usd_per_day`, and embedding routes'. */
export function configuredBudgets(config: Pick<AppConfig, 'routes' | 'embeddingRoutes'>): BudgetDefinition[] {
  return [...[...config.routes.values()].flatMap(routeBudgets), ...[...config.embeddingRoutes.values()].flatMap((r) => fromRouteConfig(r) ?? [])];
}

/** The budgets in force now: the routing file's and the stored (admin) ones, as the gateways' refresh reads them. */
export async function budgetsInForce(config: Pick<AppConfig, 'routes' | 'embeddingRoutes'>, stored: { listActive(): Promise<BudgetRow[]> }): Promise<BudgetDefinition[]> {
  return [...configuredBudgets(config), ...(await stored.listActive()).map(fromRow)];
}

/** Who a cost is spent for: a request's key (none on open access), tenant, route and route tier. */
export interface BudgetPayer {
  keyId: string | null | undefined;
  tenantId: string;
  route: string;
  tier?: string;
}

/** The budgets a payer's spend counts against: its key's, its tenant's, its route's and its tier's. */
export function applicableBudgets(budgets: readonly BudgetDefinition[], payer: BudgetPayer): BudgetDefinition[] {
  const ofTier = payer.tier === undefined ? undefined : tierSubject(payer.route, payer.tier);
  return budgets.filter(
    (b) =>
      (b.scope === 'key' && b.subject === payer.keyId) ||
      (b.scope === 'tenant' && b.subject === payer.tenantId) ||
      (b.scope === 'route' && (b.subject === payer.route || b.subject === ofTier)),
  );
}

/** The shared counter of one bucket of a budget's period (`CounterStore` key). */
export function budgetCounterKey(budgetId: string, bucket: string): string {
  return `b:${budgetId}:${bucket}`;
}
