import { Controller, HttpCode, Inject, Param, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import type { AppConfig } from '../../../../libs/config/src';
import { GatewayError } from '../../../../libs/core/src';
import { emptyWordArm } from '../../../../libs/router/src';
import { ArmStatsRepository } from '../../../../libs/storage/src';
import { AdminKeyGuard } from '../auth/admin-key.guard';
import { AdminAuditInterceptor } from './admin-audit.interceptor';
import { LearnedState } from '../routing/learned-state';
import { APP_CONFIG } from '../tokens';

/** What the router learned, per configured route, as the operator may correct it. */
@Controller('v1/admin/routes')
@UseGuards(AdminKeyGuard)
@UseInterceptors(AdminAuditInterceptor)
export class AdminRoutesController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly arms: ArmStatsRepository,
    private readonly learned: LearnedState,
  ) {}

  /**
   * Forgets the route's evidence on one of its models (docs/routing.md, "Memory and recovery"): for
   * a model that was fixed, so it is explored again from its price prior instead of waiting for its old
   * failures to fade. This gateway reads the change at once, the others at their next refresh.
   */
  @Post(':route/models/:model/forget')
  @HttpCode(200)
  async forget(@Param('route') routeName: string, @Param('model') modelId: string) {
    const route = this.config.routes.get(routeName);
    if (!route) throw GatewayError.notFound(`Route '${routeName}' is not configured.`, 'route_not_found', 'route');
    if (!route.candidates.includes(modelId)) {
      throw GatewayError.notFound(`Model '${modelId}' is not a candidate of route '${routeName}'.`, 'model_not_found', 'model');
    }
    const untrained = route.learner === 'hashed_words' ? emptyWordArm(modelId, route.priorQuality?.[modelId]) : undefined;
    const forgotten = await this.arms.forgetModel(route.name, modelId, untrained);
    await this.learned.refresh();
    return { object: 'route.model.forgotten', route: route.name, model: modelId, contexts: forgotten.contexts, word_model: forgotten.wordModel };
  }
}
