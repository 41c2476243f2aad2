import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ReportAccessGuard } from '../dashboard/dashboard-key.guard';
import { queryInteger } from '../input/query-integer';
import { ReportService } from './report.service';

/** `GET /v1/router/report?window=N`: per route and model, what the router learned and what it cost (admin key or a gateway key). */
@Controller('v1/router')
@UseGuards(ReportAccessGuard)
export class ReportController {
  constructor(private readonly reports: ReportService) {}

  @Get('report')
  async report(@Query('window') window?: string | string[]) {
    return this.reports.build(queryInteger(window, 'window', { min: 1, max: 100_000, fallback: 200 }));
  }
}
