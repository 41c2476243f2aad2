import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import type { ApiKeyRow } from '../../../../libs/storage/src/repositories/api-key.repository';
import { AccessService } from '../auth/access.service';
import { AdminKeyGuard } from '../auth/admin-key.guard';
import { AdminAuditInterceptor } from './admin-audit.interceptor';
import { BudgetService } from '../budget/budget.service';
import { keyChangeSchema, newKeySchema, parseBody, singleQueryValue } from './admin-input';

/** A key as the admin API shows it: never the key or its digest. */
function view(row: ApiKeyRow) {
  return {
    id: row.id,
    object: 'api_key',
    tenant_id: row.tenant_id,
    name: row.name,
    tier: row.tier,
    allowed_routes: row.allowed_routes,
    allowed_models: row.allowed_models,
    tags: row.tags,
    rpm: row.rpm,
    tpm: row.tpm,
    expires_at: row.expires_at,
    created_at: row.created_at,
    revoked_at: row.revoked_at,
  };
}

/** A key's settings as the admin API takes them (snake_case, `expires_at` as text) for AccessService; `null` (a change's "clear it") is kept. */
function keySettings<Empty extends null | undefined>(body: {
  name?: string | Empty;
  tier?: string | Empty;
  allowed_routes?: string[] | Empty;
  allowed_models?: string[] | Empty;
  tags?: string[] | Empty;
  rpm?: number | Empty;
  tpm?: number | Empty;
  expires_at?: string | Empty;
}) {
  return {
    name: body.name,
    tier: body.tier,
    allowedRoutes: body.allowed_routes,
    allowedModels: body.allowed_models,
    tags: body.tags,
    rpm: body.rpm,
    tpm: body.tpm,
    expiresAt: body.expires_at == null ? (body.expires_at as Empty | undefined) : new Date(body.expires_at),
  };
}

@Controller('v1/admin/keys')
@UseGuards(AdminKeyGuard)
@UseInterceptors(AdminAuditInterceptor)
export class AdminKeysController {
  constructor(
    private readonly access: AccessService,
    private readonly budgets: BudgetService,
  ) {}

  /** The response's `key` is shown this once; only its SHA-256 is stored. */
  @Post()
  async create(@Body() body: unknown) {
    const input = parseBody(newKeySchema, body);
    const { key, row } = await this.access.createKey({ tenantId: input.tenant_id, ...keySettings<undefined>(input) });
    return { ...view(row), key };
  }

  @Get()
  async list(@Query('tenant_id') tenantId?: string | string[]) {
    return { object: 'list', data: (await this.access.listKeys(singleQueryValue(tenantId, 'tenant_id'))).map(view) };
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    const row = await this.access.getKey(id);
    return { ...view(row), budgets: await this.budgets.statuses({ scope: 'key', subject: id }) };
  }

  /**
   * Changes a key in place (OpenAI's APIs modify an object with POST on its path): a missing field
   * stays, `null` clears it. The key itself is unchanged and not in the response.
   */
  @Post(':id')
  @HttpCode(200)
  async update(@Param('id') id: string, @Body() body: unknown) {
    const input = parseBody(keyChangeSchema, body);
    const row = await this.access.updateKey(id, keySettings(input));
    return view(row);
  }

  @Delete(':id')
  async revoke(@Param('id') id: string) {
    return view(await this.access.revokeKey(id));
  }
}
