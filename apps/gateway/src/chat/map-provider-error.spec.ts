import { ProviderError } from '../../../../libs/providers/src';
import { mapProviderError } from './map-provider-error';

describe('mapProviderError', () => {
  const model = { id: 'fast', upstream: 'acme-deploy-7' };

  it("names the client's model, also inside the upstream's own text, and keeps the retry-after", () => {
    const err = mapProviderError(new ProviderError('rate_limited', 'Rate limit reached for acme-deploy-7.', 429, 31_000), model);
    expect(err).toMatchObject({ status: 429, code: 'rate_limit_exceeded', retryAfterSeconds: 31 });
    expect(err.message).toBe('Model "fast" is rate limited upstream: Rate limit reached for fast.');
  });

  it("passes a client mistake's text on in the client's terms, with the prompt's param", () => {
    const err = mapProviderError(new ProviderError('context_length', 'acme-deploy-7 takes 8192 tokens', 400), model, 'input');
    expect(err).toMatchObject({ status: 400, code: 'context_length_exceeded', param: 'input', message: 'fast takes 8192 tokens' });
  });
});
