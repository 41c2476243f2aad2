import { ProviderError } from '../../../../libs/providers/src';
import { mapProviderError } from './map-provider-error';

describe('mapProviderError', () => {
  const model = { id: 'fast', upstream: 'acme-deploy-7' };

  it("names the client's model, also inside the upstream's own text, and keeps the retry-after", () => {
    const err = mapProviderError(new ProviderError('rate_limited', 'Rate limit reached for acme-deploy-7.', 429, 31_000), model);
    expect(err).toMatchObject({ status: 429, code: 'rate_limit_exceeded', retryAfterSeconds: 31 });
    expect(err.message).toBe('Model "fast" is rate limited upstream: Rate limit reached for fast.');
  });

  it("answers a provider account that cannot pay as the gateway's failure, without the provider's text", () => {
    const err = mapProviderError(new ProviderError('billing', 'Your credit balance is too low to access the Anthropic API.', 400), model);
    expect(err).toMatchObject({ status: 502, type: 'api_error', code: 'upstream_billing', param: null });
    expect(err.message).toBe('Model "fast": the gateway\'s account at its provider cannot pay for requests (no credit or quota left).');
  });

  it("passes a client mistake's text on in the client's terms, with the prompt's param", () => {
    const err = mapProviderError(new ProviderError('context_length', 'acme-deploy-7 takes 8192 tokens', 400), model, 'input');
    expect(err).toMatchObject({ status: 400, code: 'context_length_exceeded', param: 'input', message: 'fast takes 8192 tokens' });
  });
});
