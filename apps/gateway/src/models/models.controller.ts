import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { DEFAULT_CAPABILITIES, type AppConfig } from '../../../../libs/config/src';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { APP_CONFIG } from '../tokens';

/** `GET /v1/models`: the routes and the concrete models a client may name, in OpenAI's list format. */
@Controller('v1')
@UseGuards(GatewayKeyGuard)
export class ModelsController {
  private readonly startedAt = Math.floor(Date.now() / 1000);

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get('models')
  list() {
    const routes = [...this.config.routes.values()].map((r) => ({
      id: r.name,
      object: 'model' as const,
      created: this.startedAt,
      owned_by: 'router',
      x_router: { type: 'route', candidates: r.candidates, quality_floor: r.qualityFloor, budget_usd_per_day: r.budgetUsdPerDay ?? null },
    }));
    const kinds = new Map(this.config.providers.map((p) => [p.id, p.kind]));
    const models = [...this.config.models.values()].map((m) => ({
      id: m.id,
      object: 'model' as const,
      created: this.startedAt,
      owned_by: m.providerId,
      x_router: {
        type: 'model',
        provider: m.providerId,
        provider_kind: kinds.get(m.providerId) ?? null,
        upstream: m.upstream,
        family: m.family ?? null,
        context_window: m.contextWindow,
        input_per_1m: m.inputPer1M,
        output_per_1m: m.outputPer1M,
        cached_input_per_1m: m.cachedInputPer1M ?? null,
        capabilities: m.capabilities ?? DEFAULT_CAPABILITIES,
        prompt_template: m.promptTemplate?.name ?? null,
      },
    }));
    return { object: 'list', data: [...routes, ...models] };
  }
}
