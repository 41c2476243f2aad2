import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { GatewayError } from '../../../../libs/core/src';
import { singleQueryValue } from '../admin/admin-input';
import type { Bucketing } from '../../../../libs/storage/src/repositories/dashboard.repository';
import { queryInteger } from '../input/query-integer';
import { DashboardReportService } from '../report/dashboard-report.service';
import { DashboardKeyGuard } from './dashboard-key.guard';

function routeParam(given: string | string[] | undefined): string | undefined {
  const value = singleQueryValue(given, 'route');
  if (value === undefined || value === '') return undefined;
  if (value.length > 200) throw GatewayError.invalidRequest("'route' is too long.", 'route', 'invalid_value');
  return value;
}

/** The dashboard's JSON (documented in docs/reports.md); admin key only. */
@Controller('v1/router')
@UseGuards(DashboardKeyGuard)
export class DashboardApiController {
  constructor(private readonly reports: DashboardReportService) {}

  /**
   * `GET /v1/router/timeseries?route=&limit=` with `buckets=` (equal request counts; default 20),
   * `bucket_size=` (N requests each) or `bucket_seconds=` (wall time).
   */
  @Get('timeseries')
  timeseries(
    @Query('route') route?: string | string[],
    @Query('limit') limit?: string | string[],
    @Query('buckets') buckets?: string | string[],
    @Query('bucket_size') size?: string | string[],
    @Query('bucket_seconds') seconds?: string | string[],
  ) {
    const n = queryInteger(limit, 'limit', { min: 1, max: 100_000, fallback: 2000 });
    if ([buckets, size, seconds].filter((v) => v !== undefined).length > 1) {
      throw GatewayError.invalidRequest("Give one of 'buckets', 'bucket_size' or 'bucket_seconds'.", 'buckets', 'invalid_value');
    }
    const bucketing: Bucketing =
      seconds !== undefined
        ? { by: 'time', seconds: queryInteger(seconds, 'bucket_seconds', { min: 1, max: 86_400, fallback: 60 }) }
        : size !== undefined
          ? { by: 'requests', size: queryInteger(size, 'bucket_size', { min: 1, max: 100_000, fallback: 100 }) }
          : { by: 'count', buckets: queryInteger(buckets, 'buckets', { min: 1, max: 500, fallback: 20 }) };
    return this.reports.series(routeParam(route), n, bucketing);
  }

  /** `GET /v1/router/requests?route=&limit=`: the latest requests, newest first. */
  @Get('requests')
  recent(@Query('route') route?: string | string[], @Query('limit') limit?: string | string[]) {
    return this.reports.recent(routeParam(route), queryInteger(limit, 'limit', { min: 1, max: 1000, fallback: 50 }));
  }

  /** `GET /v1/router/requests/:id`: one request with its attempts, score and feedback. */
  @Get('requests/:id')
  request(@Param('id') id: string) {
    if (id.length > 200) throw GatewayError.invalidRequest("'id' is too long.", 'id', 'invalid_value');
    return this.reports.request(id);
  }

  /** `GET /v1/router/beliefs`: the learned state per route and context, and what it favours. */
  @Get('beliefs')
  beliefs() {
    return this.reports.beliefs();
  }
}
