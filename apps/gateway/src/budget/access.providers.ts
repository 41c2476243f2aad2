import type { Provider } from '@nestjs/common';
import { InProcessCounterStore, RedisCounterStore, type CounterStore } from '../../../../libs/budget/src';
import type { AppConfig } from '../../../../libs/config/src';
import type { Clock } from '../../../../libs/core/src';
import { AdminBudgetsController } from '../admin/admin-budgets.controller';
import { AdminKeysController } from '../admin/admin-keys.controller';
import { AdminTenantsController } from '../admin/admin-tenants.controller';
import { AccessService } from '../auth/access.service';
import { AdminKeyGuard } from '../auth/admin-key.guard';
import { APP_CONFIG, CLOCK } from '../tokens';
import { BudgetController } from './budget.controller';
import { BudgetService, COUNTER_STORE } from './budget.service';

/** Redis (shared by every gateway process) when REDIS_URL is set; in process on the embedded default. */
export function createCounterStore(config: AppConfig, clock: Clock): CounterStore {
  return config.redisUrl ? new RedisCounterStore(config.redisUrl, `${config.queuePrefix}:budget`) : new InProcessCounterStore(clock);
}

/** What GatewayModule adds for keys, budgets and rate limits. */
export const accessProviders: Provider[] = [
  { provide: COUNTER_STORE, useFactory: createCounterStore, inject: [APP_CONFIG, CLOCK] },
  AccessService,
  AdminKeyGuard,
  BudgetService,
];

export const adminControllers = [AdminTenantsController, AdminKeysController, AdminBudgetsController, BudgetController];
