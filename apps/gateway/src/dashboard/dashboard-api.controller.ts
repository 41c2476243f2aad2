import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { GatewayError } from '../../../../libs/core/src';
import { singleQueryValue } from '../admin/admin-input';
import type { Bucketing } from '../../../../libs/storage/src/repositories/dashboard.repository';
import { DashboardReportService } from '../report/dashboard-report.service';
import { DashboardKeyGuard } from './dashboard-key.guard';

function intParam(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw GatewayError.invalidRequest(`'${name}' must be an integer from ${min} to ${max}.`, name, 'invalid_value');
  return n;
}

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
    @Query('limit') limit?: string,
    @Query('buckets') buckets?: string,
    @Query('bucket_size') size?: string,
    @Query('bucket_seconds') seconds?: string,
  ) {
    const n = intParam(limit, 'limit', 2000, 1, 100_000);
    if ([buckets, size, seconds].filter(Boolean).length > 1) {
      throw GatewayError.invalidRequest("Give one of 'buckets', 'bucket_size' or 'bucket_seconds'.", 'buckets', 'invalid_value');
    }
    const bucketing: Bucketing = seconds
      ? { by: 'time', seconds: intParam(seconds, 'bucket_seconds', 60, 1, 86_400) }
      : size
        ? { by: 'requests', size: intParam(size, 'bucket_size', 100, 1, 100_000) }
        : { by: 'count', buckets: intParam(buckets, 'buckets', 20, 1, 500) };
    return this.reports.series(routeParam(route), n, bucketing);
  }

  /** `GET /v1/router/requests?route=&limit=`: the latest requests, newest first. */
  @Get('requests')
  recent(@Query('route') route?: string | string[], @Query('limit') limit?: string) {
    return this.reports.recent(routeParam(route), intParam(limit, 'limit', 50, 1, 1000));
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
