import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { GatewayError } from '../../../../libs/core/src';
import { AdminKeyGuard } from '../auth/admin-key.guard';
import { AdminAuditInterceptor } from './admin-audit.interceptor';
import { BudgetService } from '../budget/budget.service';
import { budgetLimitsSchema, isCalendarDay, newBudgetSchema, parseBody, singleQueryValue } from './admin-input';

@Controller('v1/admin')
@UseGuards(AdminKeyGuard)
@UseInterceptors(AdminAuditInterceptor)
export class AdminBudgetsController {
  constructor(private readonly budgets: BudgetService) {}

  @Post('budgets')
  async create(@Body() body: unknown) {
    const input = parseBody(newBudgetSchema, body);
    return this.budgets.createBudget({
      scope: input.scope,
      subject: input.subject,
      period: input.period,
      windowSeconds: input.window_seconds,
      hardLimitUsd: input.hard_limit_usd,
      softLimitUsd: input.soft_limit_usd,
    });
  }

  /** Every budget with spend and remaining in its current period; `?scope=&subject=` to filter. */
  @Get('budgets')
  async list(@Query('scope') scope?: string | string[], @Query('subject') subject?: string | string[]) {
    if (scope !== undefined && scope !== 'key' && scope !== 'tenant' && scope !== 'route') {
      throw GatewayError.invalidRequest("'scope' must be key, tenant or route.", 'scope', 'invalid_value');
    }
    return { object: 'list', data: await this.budgets.statuses({ scope, subject: singleQueryValue(subject, 'subject') }) };
  }

  /** Soft limits only alert: the budgets past theirs (and hard caps reached). */
  @Get('budgets/alerts')
  async alerts() {
    const all = await this.budgets.statuses();
    return { object: 'list', data: all.filter((b) => b.soft_limit_exceeded || b.hard_limit_reached) };
  }

  /** Changes a budget's limits in place (OpenAI's APIs modify an object with POST on its path). */
  @Post('budgets/:id')
  @HttpCode(200)
  async update(@Param('id') id: string, @Body() body: unknown) {
    const input = parseBody(budgetLimitsSchema, body);
    return this.budgets.updateBudgetLimits(id, { hardLimitUsd: input.hard_limit_usd, softLimitUsd: input.soft_limit_usd });
  }

  @Delete('budgets/:id')
  @HttpCode(200)
  async remove(@Param('id') id: string) {
    await this.budgets.removeBudget(id);
    return { id, deleted: true };
  }

  /** Recorded spend from the ledger's daily rollups; `from`/`to` are UTC days (default today). */
  @Get('spend')
  async spend(
    @Query('tenant_id') tenantId?: string | string[],
    @Query('key_id') keyId?: string | string[],
    @Query('route') route?: string | string[],
    @Query('from') from?: string | string[],
    @Query('to') to?: string | string[],
  ) {
    const today = this.budgets.today();
    const fromDay = singleQueryValue(from, 'from') ?? today;
    const toDay = singleQueryValue(to, 'to') ?? today;
    if (!isCalendarDay(fromDay) || !isCalendarDay(toDay)) throw GatewayError.invalidRequest("'from' and 'to' must be days as YYYY-MM-DD.", isCalendarDay(fromDay) ? 'to' : 'from', 'invalid_value');
    if (fromDay > toDay) throw GatewayError.invalidRequest(`'from' (${fromDay}) is after 'to' (${toDay}).`, 'from', 'invalid_value');
    const filter = { tenantId: singleQueryValue(tenantId, 'tenant_id'), keyId: singleQueryValue(keyId, 'key_id'), route: singleQueryValue(route, 'route') };
    const rows = await this.budgets.spend({ ...filter, fromDay, toDay });
    const total = rows.reduce((s, r) => s + r.cost_usd, 0);
    return { object: 'list', from: fromDay, to: toDay, total_usd: total, requests: rows.reduce((s, r) => s + r.requests, 0), data: rows };
  }
}
