import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { accessOf, GatewayKeyGuard } from '../auth/gateway-key.guard';
import { openAccess } from '../auth/key-access';
import { BudgetService } from './budget.service';

/** `GET /v1/budgets`: the calling key's own budgets and its tenant's, with spend and what is left. */
@Controller('v1')
@UseGuards(GatewayKeyGuard)
export class BudgetController {
  constructor(private readonly budgets: BudgetService) {}

  @Get('budgets')
  async mine(@Req() req: FastifyRequest) {
    const access = accessOf(req) ?? openAccess(null);
    const own = access.keyId ? await this.budgets.statuses({ scope: 'key', subject: access.keyId }) : [];
    const tenant = await this.budgets.statuses({ scope: 'tenant', subject: access.tenantId });
    return { object: 'list', key_id: access.keyId, tenant_id: access.tenantId, data: [...own, ...tenant] };
  }
}
