import { Body, Controller, Get, Param, Post, UseGuards } from '@nestjs/common';
import { AccessService } from '../auth/access.service';
import { AdminKeyGuard } from '../auth/admin-key.guard';
import { BudgetService } from '../budget/budget.service';
import { newTenantSchema, parseBody } from './admin-input';

@Controller('v1/admin/tenants')
@UseGuards(AdminKeyGuard)
export class AdminTenantsController {
  constructor(
    private readonly access: AccessService,
    private readonly budgets: BudgetService,
  ) {}

  @Post()
  async create(@Body() body: unknown) {
    const input = parseBody(newTenantSchema, body);
    return this.access.createTenant(input);
  }

  @Get()
  async list() {
    return { object: 'list', data: await this.access.listTenants() };
  }

  /** The tenant with its budgets: spend and remaining in the current period. */
  @Get(':id')
  async get(@Param('id') id: string) {
    const tenant = await this.access.getTenant(id);
    return { ...tenant, budgets: await this.budgets.statuses({ scope: 'tenant', subject: id }) };
  }
}
