import type { AppConfig, EmbeddingModelSpec } from '../../../../libs/config/src';
import { GatewayError } from '../../../../libs/core/src';

/** What serves one embeddings request: its route's name (for keys, budgets and records) and the models to try, in order. */
export interface EmbeddingTarget {
  route: string;
  /** The pinned model first, then the same catalog model at other providers (embedding_routes' `fallbacks`). */
  chain: EmbeddingModelSpec[];
  retries: number;
}

/** Retries on the same model for a model named directly (an embedding route says its own). */
export const DEFAULT_EMBEDDING_RETRIES = 2;

/**
 * The embedding route or model a request names. A name that is a chat route or a chat model is a 400
 * naming it (it answers chat completions, not embeddings); an unknown name a 404, as for chat.
 */
export function resolveEmbeddingTarget(config: Pick<AppConfig, 'embeddingRoutes' | 'embeddingModels' | 'routes' | 'models'>, name: string): EmbeddingTarget {
  const route = config.embeddingRoutes.get(name);
  if (route) {
    const chain = [route.model, ...route.fallbacks].map((id) => config.embeddingModels.get(id)!);
    return { route: route.name, chain, retries: route.retries };
  }
  const model = config.embeddingModels.get(name);
  if (model) return { route: model.id, chain: [model], retries: DEFAULT_EMBEDDING_RETRIES };
  if (config.routes.has(name)) {
    throw GatewayError.invalidRequest(
      `'${name}' is a chat route: it routes chat completions among chat models and cannot create embeddings. Name an embedding model or an embedding route.`,
      'model',
      'model_not_embedding',
    );
  }
  if (config.models.has(name)) {
    throw GatewayError.invalidRequest(`Model '${name}' is a chat model and does not create embeddings. Name an embedding model or an embedding route.`, 'model', 'model_not_embedding');
  }
  const known = [...config.embeddingRoutes.keys(), ...config.embeddingModels.keys()];
  throw GatewayError.notFound(
    `The embedding model or route '${name}' does not exist${known.length > 0 ? ` (this gateway serves: ${known.join(', ')})` : ' (this gateway has no embedding model configured)'}.`,
    'model_not_found',
    'model',
  );
}

/**
 * Refuses a `dimensions` the model cannot give, when the configuration knows its sizes: a model
 * without `min_dimensions` takes no `dimensions` at all, not even its own size (OpenAI's ada-002 answers 400 to it too), one
 * with gives any size from `min_dimensions` to its own. A model whose sizes are not known passes it on.
 */
export function checkDimensions(model: EmbeddingModelSpec, dimensions: number | undefined): void {
  if (dimensions === undefined || model.dimensions === undefined) return;
  if (model.minDimensions === undefined) {
    throw GatewayError.invalidRequest(`Model '${model.id}' does not support 'dimensions': its vectors always have ${model.dimensions}.`, 'dimensions', 'unsupported_parameter');
  }
  if (dimensions < model.minDimensions || dimensions > model.dimensions) {
    throw GatewayError.invalidRequest(
      `Invalid value for 'dimensions': model '${model.id}' gives between ${model.minDimensions} and ${model.dimensions} dimensions, got ${dimensions}.`,
      'dimensions',
      'invalid_value',
    );
  }
}
