import type { ModelSpec } from '../../../../libs/config/src';
import { ProviderError } from '../../../../libs/providers/src';
import { buildChain, DEFAULT_FAILOVER, effectiveTimeouts, retryDelayMs } from './failover-policy';

const model = (id: string, price: number, timeouts: ModelSpec['timeouts'] = {}): ModelSpec => ({
  id,
  providerId: 'p',
  upstream: id,
  inputPer1M: price,
  outputPer1M: price,
  contextWindow: 1000,
  timeouts,
});

describe('retryDelayMs', () => {
  const policy = { ...DEFAULT_FAILOVER, retries: 2, backoffBaseMs: 100, backoffMaxMs: 300, maxRetryAfterMs: 1000 };

  it('backs off exponentially with equal jitter, capped', () => {
    const err = new ProviderError('server_error', 'x', 500);
    expect(retryDelayMs(err, 0, policy, () => 0)).toBe(50);
    expect(retryDelayMs(err, 0, policy, () => 0.999)).toBe(100);
    expect(retryDelayMs(err, 1, policy, () => 0)).toBe(100);
    expect(retryDelayMs(err, 2, policy, () => 0)).toBeUndefined(); // out of retries
    expect(retryDelayMs(err, 1, { ...policy, backoffBaseMs: 1000 }, () => 0.999)).toBe(300);
  });

  it('honours retry-after up to the cap; beyond it, moves on to the next model', () => {
    expect(retryDelayMs(new ProviderError('rate_limited', 'x', 429, 700), 0, policy, () => 0.5)).toBe(700);
    expect(retryDelayMs(new ProviderError('rate_limited', 'x', 429, 7000), 0, policy, () => 0.5)).toBeUndefined();
  });

  it('never retries what the same model would reject again', () => {
    for (const kind of ['bad_request', 'context_length', 'content_policy', 'auth'] as const) {
      expect(retryDelayMs(new ProviderError(kind, 'x', 400), 0, policy, () => 0)).toBeUndefined();
    }
  });
});

describe('buildChain', () => {
  const a = model('a', 1);
  const b = model('b', 10);
  const c = model('c', 0.1);
  const models = new Map([a, b, c].map((m) => [m.id, m]));
  const none = () => false;

  it('puts the bandit choice first, then its ranking, up to maxModels', () => {
    expect(buildChain({ models: [a, b, c] }, { ...DEFAULT_FAILOVER, maxModels: 2 }, models, none).map((m) => m.id)).toEqual(['a', 'b']);
  });

  it('uses listed fallbacks, cheapest first with order price, and skips unhealthy ones', () => {
    const policy = { ...DEFAULT_FAILOVER, fallbacks: ['b', 'a', 'c'], order: 'price' as const };
    expect(buildChain({ models: [a] }, policy, models, none).map((m) => m.id)).toEqual(['a', 'c', 'b']);
    expect(buildChain({ models: [a] }, policy, models, (m) => m.id === 'c').map((m) => m.id)).toEqual(['a', 'b']);
  });
});

describe('effectiveTimeouts', () => {
  it('takes the route value over the model value, field by field', () => {
    const m = model('a', 1, { firstByteMs: 1000, idleMs: 500 });
    expect(effectiveTimeouts(m, { ...DEFAULT_FAILOVER, timeouts: { idleMs: 200, ttftMs: 900 } })).toEqual({
      connectMs: undefined,
      firstByteMs: 1000,
      ttftMs: 900,
      idleMs: 200,
      totalMs: undefined,
    });
  });
});
