import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { GatewayError } from '../../../../libs/core/src';
import { ReportAccessGuard } from '../dashboard/dashboard-key.guard';
import { ReportService } from './report.service';

/** `GET /v1/router/report?window=N`: per route and model, what the router learned and what it cost (admin key or a gateway key). */
@Controller('v1/router')
@UseGuards(ReportAccessGuard)
export class ReportController {
  constructor(private readonly reports: ReportService) {}

  @Get('report')
  async report(@Query('window') window?: string) {
    const n = window === undefined ? 200 : Number(window);
    if (!Number.isInteger(n) || n < 1 || n > 100_000) {
      throw GatewayError.invalidRequest("'window' must be an integer from 1 to 100000.", 'window', 'invalid_value');
    }
    return this.reports.build(n);
  }
}
