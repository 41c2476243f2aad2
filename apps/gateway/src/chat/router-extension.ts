import { z } from 'zod';
import { GatewayError, type ChatRequest } from '../../../../libs/core/src';

/**
 * The request body's `x_router` extension field (documented in docs/fallbacks.md): a per-request
 * fallback chain and retry policy. It never reaches an upstream.
 */
const extensionSchema = z
  .object({
    fallbacks: z.array(z.string().min(1)).max(10).optional(),
    order: z.enum(['ranked', 'listed', 'price']).optional(),
    max_models: z.number().int().min(1).max(10).optional(),
    retries: z.number().int().min(0).max(5).optional(),
  })
  .strict();

export interface RouterExtension {
  fallbacks?: string[];
  order?: 'ranked' | 'listed' | 'price';
  maxModels?: number;
  retries?: number;
}

/** Splits `x_router` off the request; unknown fallback models are a 400 naming the field. */
export function takeRouterExtension(request: ChatRequest, knownModels: { has(id: string): boolean }): { request: ChatRequest; extension?: RouterExtension } {
  if ((request as { x_router?: unknown }).x_router === undefined) return { request };
  const { x_router: raw, ...rest } = request as ChatRequest & { x_router?: unknown };
  const parsed = extensionSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = ['x_router', ...issue.path].join('.');
    throw GatewayError.invalidRequest(`Invalid ${param}: ${issue.message}.`, param, 'invalid_value');
  }
  const unknown = parsed.data.fallbacks?.find((id) => !knownModels.has(id));
  if (unknown !== undefined) throw GatewayError.invalidRequest(`x_router.fallbacks names an unknown model "${unknown}".`, 'x_router.fallbacks', 'model_not_found');
  const d = parsed.data;
  return { request: rest as ChatRequest, extension: { fallbacks: d.fallbacks, order: d.order, maxModels: d.max_models, retries: d.retries } };
}
