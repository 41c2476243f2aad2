import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { AccessService } from '../auth/access.service';
import { AdminKeyGuard } from '../auth/admin-key.guard';
import { AdminAuditInterceptor } from './admin-audit.interceptor';
import { BudgetService } from '../budget/budget.service';
import { newTenantSchema, parseBody, tenantChangeSchema } from './admin-input';

@Controller('v1/admin/tenants')
@UseGuards(AdminKeyGuard)
@UseInterceptors(AdminAuditInterceptor)
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

  /** Changes a tenant's name or rate limits in place; `null` rpm/tpm: no limit. */
  @Post(':id')
  @HttpCode(200)
  async update(@Param('id') id: string, @Body() body: unknown) {
    return this.access.updateTenant(id, parseBody(tenantChangeSchema, body));
  }

  /** Marks the tenant deleted (409 while it has keys not revoked) and retires its tenant budgets. */
  @Delete(':id')
  async remove(@Param('id') id: string) {
    const tenant = await this.access.deleteTenant(id);
    // Its budgets were retired with it: this process drops them now, the others at their next refresh.
    await this.budgets.refresh();
    return tenant;
  }
}
