import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { DEFAULT_CAPABILITIES, type AppConfig, type EmbeddingModelSpec, type EmbeddingRouteSpec, type ModelSpec, type RouteSpec } from '../../../../libs/config/src';
import { GatewayError } from '../../../../libs/core/src';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { APP_CONFIG } from '../tokens';

/**
 * `GET /v1/models` and `GET /v1/models/{id}`: the routes and the concrete models a client may name, in
 * OpenAI's model format (https://platform.openai.com/docs/api-reference/models).
 */
@Controller('v1')
@UseGuards(GatewayKeyGuard)
export class ModelsController {
  private readonly startedAt = Math.floor(Date.now() / 1000);
  private readonly kinds: Map<string, string>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.kinds = new Map(config.providers.map((p) => [p.id, p.kind]));
  }

  @Get('models')
  list() {
    const routes = [...this.config.routes.values()].map((r) => this.routeEntry(r));
    const models = [...this.config.models.values()].map((m) => this.modelEntry(m));
    const embeddingRoutes = [...this.config.embeddingRoutes.values()].map((r) => this.embeddingRouteEntry(r));
    const embeddingModels = [...this.config.embeddingModels.values()].map((m) => this.embeddingModelEntry(m));
    return { object: 'list', data: [...routes, ...models, ...embeddingRoutes, ...embeddingModels] };
  }

  /** A route wins over a model of the same name, as it does for chat completions. */
  @Get('models/:id')
  retrieve(@Param('id') id: string) {
    const route = this.config.routes.get(id);
    if (route) return this.routeEntry(route);
    const model = this.config.models.get(id);
    if (model) return this.modelEntry(model);
    const embeddingRoute = this.config.embeddingRoutes.get(id);
    if (embeddingRoute) return this.embeddingRouteEntry(embeddingRoute);
    const embeddingModel = this.config.embeddingModels.get(id);
    if (embeddingModel) return this.embeddingModelEntry(embeddingModel);
    throw GatewayError.notFound(`The model '${id}' does not exist.`, 'model_not_found', 'model');
  }

  private routeEntry(r: RouteSpec) {
    return {
      id: r.name,
      object: 'model' as const,
      created: this.startedAt,
      owned_by: 'router',
      x_router: { type: 'route', candidates: r.candidates, quality_floor: r.qualityFloor, budget_usd_per_day: r.budgetUsdPerDay ?? null },
    };
  }

  /** An embedding route pins one model (no learning, no fallback to another model): docs/routing.md. */
  private embeddingRouteEntry(r: EmbeddingRouteSpec) {
    return {
      id: r.name,
      object: 'model' as const,
      created: this.startedAt,
      owned_by: 'router',
      x_router: { type: 'embedding_route', model: r.model, fallbacks: r.fallbacks, retries: r.retries, budget_usd_per_day: r.budgetUsdPerDay ?? null },
    };
  }

  /** A model of POST /v1/embeddings, priced per input token. */
  private embeddingModelEntry(m: EmbeddingModelSpec) {
    return {
      id: m.id,
      object: 'model' as const,
      created: this.startedAt,
      owned_by: m.providerId,
      x_router: {
        type: 'embedding_model',
        provider: m.providerId,
        provider_kind: this.kinds.get(m.providerId) ?? null,
        upstream: m.upstream,
        catalog: m.catalogId ?? null,
        input_per_1m: m.inputPer1M,
        max_input_tokens: m.maxInputTokens,
        dimensions: m.dimensions ?? null,
        // null: the model takes no `dimensions` (or its sizes are not known); else the smallest it gives.
        min_dimensions: m.minDimensions ?? null,
        shutdown_date: m.shutdownDate ?? null,
      },
    };
  }

  private modelEntry(m: ModelSpec) {
    return {
      id: m.id,
      object: 'model' as const,
      created: this.startedAt,
      owned_by: m.providerId,
      x_router: {
        type: 'model',
        provider: m.providerId,
        provider_kind: this.kinds.get(m.providerId) ?? null,
        upstream: m.upstream,
        family: m.family ?? null,
        context_window: m.contextWindow,
        max_output_tokens: m.maxOutputTokens ?? null,
        input_per_1m: m.inputPer1M,
        output_per_1m: m.outputPer1M,
        cached_input_per_1m: m.cachedInputPer1M ?? null,
        // Prompt tokens are estimated as chars/4 times this for models without an exact tokenizer.
        token_scale: m.tokenScale ?? 1,
        // Whether the model thinks on the gateway's calls: echoed Claude thinking goes only to one that may (docs/providers.md).
        thinking: m.thinking ?? null,
        // The whole call's prices when its prompt is longer than the line (docs/providers.md).
        long_context: m.longContext
          ? { above_prompt_tokens: m.longContext.abovePromptTokens, input_per_1m: m.longContext.inputPer1M, output_per_1m: m.longContext.outputPer1M, cached_input_per_1m: m.longContext.cachedInputPer1M ?? null }
          : null,
        capabilities: m.capabilities ?? DEFAULT_CAPABILITIES,
        // Request parameters left out of this model's calls, and those sent under another name (docs/providers.md).
        drop_params: m.paramRules?.drop ?? [],
        rename_params: m.paramRules?.rename ?? {},
        prompt_template: m.promptTemplate?.name ?? null,
        // The date the provider turns the model off, when the catalog knows one (docs/providers.md).
        shutdown_date: m.shutdownDate ?? null,
      },
    };
  }
}
