import type { Provider } from '@nestjs/common';
import type { GatewayRuntime } from '../runtime';
import { AdminBudgetsController } from '../admin/admin-budgets.controller';
import { AdminKeysController } from '../admin/admin-keys.controller';
import { AdminRoutesController } from '../admin/admin-routes.controller';
import { AdminTenantsController } from '../admin/admin-tenants.controller';
import { AccessService } from '../auth/access.service';
import { AdminKeyGuard } from '../auth/admin-key.guard';
import { BudgetController } from './budget.controller';
import { BudgetService, COUNTER_STORE } from './budget.service';

/**
 * What GatewayModule adds for keys, budgets and rate limits. The budget counters are the runtime's
 * (libs/budget createCounterStore): its in-process judge counts its calls' spend in them too.
 */
export function accessProviders(runtime: Pick<GatewayRuntime, 'counters'>): Provider[] {
  return [{ provide: COUNTER_STORE, useValue: runtime.counters }, AccessService, AdminKeyGuard, BudgetService];
}

export const adminControllers = [AdminTenantsController, AdminKeysController, AdminBudgetsController, AdminRoutesController, BudgetController];
