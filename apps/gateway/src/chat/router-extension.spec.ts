import type { ChatRequest } from '../../../../libs/core/src';
import { GatewayError } from '../../../../libs/core/src';
import { takeRouterExtension } from './router-extension';

describe('takeRouterExtension', () => {
  const base = { model: 'auto', messages: [{ role: 'user', content: 'hi' }] } as ChatRequest;
  const known = new Set(['a', 'b']);

  it('splits x_router off the request', () => {
    const { request, extension } = takeRouterExtension({ ...base, x_router: { fallbacks: ['b'], max_models: 2, retries: 0 } } as ChatRequest, known);
    expect(request).toEqual(base);
    expect(extension).toEqual({ fallbacks: ['b'], order: undefined, maxModels: 2, retries: 0 });
  });

  it('rejects unknown models and bad fields with a 400 naming the field', () => {
    const unknown = () => takeRouterExtension({ ...base, x_router: { fallbacks: ['zz'] } } as ChatRequest, known);
    expect(unknown).toThrow(GatewayError);
    expect(unknown).toThrow(/zz/);
    try {
      takeRouterExtension({ ...base, x_router: { retries: 99 } } as ChatRequest, known);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toMatchObject({ status: 400, param: 'x_router.retries' });
    }
  });
});
