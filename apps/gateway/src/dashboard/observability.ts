import type { DynamicModule, Provider, Type } from '@nestjs/common';
import type { AppConfig } from '../../../../libs/config/src';
import type { DatabaseHandle } from '../../../../libs/storage/src';
import { DashboardRepository } from '../../../../libs/storage/src/repositories/dashboard.repository';
import { MetricsController } from '../metrics/metrics.controller';
import { MetricsService } from '../metrics/metrics.service';
import { DashboardReportService } from '../report/dashboard-report.service';
import { DATABASE } from '../tokens';
import { DashboardApiController } from './dashboard-api.controller';
import { DashboardKeyGuard, ReportAccessGuard } from './dashboard-key.guard';
import { DashboardPageController } from './dashboard-page.controller';

/** What the gateway module adds for operators: the dashboard and its JSON, /metrics and request logs. */
export const observabilityControllers: Type[] = [DashboardPageController, DashboardApiController, MetricsController];

export const observabilityProviders: Provider[] = [
  { provide: DashboardRepository, useFactory: (database: DatabaseHandle) => new DashboardRepository(database.db), inject: [DATABASE] },
  DashboardKeyGuard,
  ReportAccessGuard,
  DashboardReportService,
  MetricsService,
];

/** Request logs are a Fastify hook (metrics/request-logging.ts), not a module: nothing to import today. */
export function observabilityImports(_config: AppConfig): DynamicModule[] {
  return [];
}
