import type { ChatRequest } from '../../../../libs/core/src';
import { GatewayError } from '../../../../libs/core/src';
import { takeRouterExtension } from './router-extension';

describe('takeRouterExtension', () => {
  const base: ChatRequest = { model: 'auto', messages: [{ role: 'user', content: 'hi' }] };
  const withExtension = (x_router: unknown) => ({ ...base, x_router }) as unknown as ChatRequest;
  const known = new Set(['a', 'b']);

  it('splits x_router off the request', () => {
    const { request, extension } = takeRouterExtension(withExtension({ fallbacks: ['b'], max_models: 2, retries: 0 }), known);
    expect(request).toEqual(base);
    expect(extension).toEqual({ fallbacks: ['b'], order: undefined, maxModels: 2, retries: 0 });
  });

  it('rejects unknown models and bad fields with a 400 naming the field', () => {
    const unknown = () => takeRouterExtension(withExtension({ fallbacks: ['zz'] }), known);
    expect(unknown).toThrow(GatewayError);
    expect(unknown).toThrow(/zz/);
    try {
      takeRouterExtension(withExtension({ retries: 99 }), known);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toMatchObject({ status: 400, param: 'x_router.retries' });
    }
  });
});
