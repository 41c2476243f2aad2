import type { EmbeddingModelSpec, EmbeddingRouteSpec, ModelSpec, RouteSpec } from '../../../../libs/config/src';
import { GatewayError } from '../../../../libs/core/src';
import { checkDimensions, DEFAULT_EMBEDDING_RETRIES, resolveEmbeddingTarget } from './resolve-embedding-target';

const model = (id: string, extra: Partial<EmbeddingModelSpec> = {}): EmbeddingModelSpec => ({ id, providerId: 'p', upstream: id, inputPer1M: 0.02, maxInputTokens: 8191, timeouts: {}, ...extra });
const small = model('small-embed', { dimensions: 1536, minDimensions: 1, catalogId: 'text-embedding-3-small' });
const smallEu = model('small-embed-eu', { providerId: 'eu', dimensions: 1536, minDimensions: 1, catalogId: 'text-embedding-3-small' });
const ada = model('ada', { dimensions: 1536 });
const unknownSizes = model('local');

const config = {
  embeddingModels: new Map([small, smallEu, ada, unknownSizes].map((m) => [m.id, m])),
  embeddingRoutes: new Map<string, EmbeddingRouteSpec>([['docs', { name: 'docs', model: 'small-embed', fallbacks: ['small-embed-eu'], retries: 1 }]]),
  routes: new Map([['auto', {} as RouteSpec]]),
  models: new Map([['gpt', {} as ModelSpec]]),
};

function refusal(fn: () => unknown): Pick<GatewayError, 'status' | 'param' | 'code' | 'message'> {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return { status: err.status, param: err.param, code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('resolveEmbeddingTarget', () => {
  it('an embedding route: its model then its same-model fallbacks, with its retries', () => {
    expect(resolveEmbeddingTarget(config, 'docs')).toEqual({ route: 'docs', chain: [small, smallEu], retries: 1 });
  });

  it('a model named directly: that model alone, under its own name', () => {
    expect(resolveEmbeddingTarget(config, 'ada')).toEqual({ route: 'ada', chain: [ada], retries: DEFAULT_EMBEDDING_RETRIES });
  });

  it('a chat route or chat model is a 400 naming it; an unknown name a 404 listing what is served', () => {
    expect(refusal(() => resolveEmbeddingTarget(config, 'auto'))).toMatchObject({ status: 400, param: 'model', code: 'model_not_embedding', message: expect.stringContaining("'auto'") });
    expect(refusal(() => resolveEmbeddingTarget(config, 'gpt'))).toMatchObject({ status: 400, param: 'model', code: 'model_not_embedding', message: expect.stringContaining("'gpt'") });
    expect(refusal(() => resolveEmbeddingTarget(config, 'nope'))).toMatchObject({ status: 404, param: 'model', code: 'model_not_found', message: expect.stringContaining('docs, small-embed') });
  });
});

describe('checkDimensions', () => {
  it('takes any size in the model range, none from a model without one, anything when the sizes are not known', () => {
    expect(() => checkDimensions(small, undefined)).not.toThrow();
    expect(() => checkDimensions(small, 1)).not.toThrow();
    expect(() => checkDimensions(small, 1536)).not.toThrow();
    expect(refusal(() => checkDimensions(small, 1537))).toMatchObject({ status: 400, param: 'dimensions', code: 'invalid_value' });
    expect(refusal(() => checkDimensions(ada, 1536))).toMatchObject({ status: 400, param: 'dimensions', code: 'unsupported_parameter' });
    expect(() => checkDimensions(ada, undefined)).not.toThrow();
    expect(() => checkDimensions(unknownSizes, 99999)).not.toThrow();
  });
});
