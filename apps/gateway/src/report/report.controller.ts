import { Controller, Get, Inject, Query, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../../../../libs/config/src';
import { accessOf } from '../auth/gateway-key.guard';
import { DEFAULT_TENANT } from '../auth/key-access';
import { hasAdminKey, ReportAccessGuard } from '../dashboard/dashboard-key.guard';
import { queryInteger } from '../input/query-integer';
import { APP_CONFIG } from '../tokens';
import { ReportService, type ReportViewer } from './report.service';

/**
 * `GET /v1/router/report?window=N`: per route and model, what the router learned and what it cost.
 * The admin key sees every tenant's figures; a gateway key its own tenant's, on the routes it may use.
 */
@Controller('v1/router')
@UseGuards(ReportAccessGuard)
export class ReportController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reports: ReportService,
  ) {}

  @Get('report')
  async report(@Req() req: FastifyRequest, @Query('window') window?: string | string[]) {
    return this.reports.build(queryInteger(window, 'window', { min: 1, max: 100_000, fallback: 200 }), this.viewerOf(req));
  }

  private viewerOf(req: FastifyRequest): ReportViewer {
    if (hasAdminKey(req, this.config.adminKeyHash)) return { kind: 'admin' };
    // The guard let a gateway key through, and kept what it grants (tenant `default` on a gateway without keys).
    const access = accessOf(req);
    return { kind: 'tenant', tenantId: access?.tenantId ?? DEFAULT_TENANT, allowedRoutes: access?.allowedRoutes ?? null };
  }
}
