import { ProviderError, providerErrorKindForStatus } from './provider';

describe('providerErrorKindForStatus', () => {
  it.each([
    [429, 'rate_limited'],
    [401, 'auth'],
    [403, 'auth'],
    [402, 'billing'],
    [404, 'not_found'],
    [503, 'overloaded'],
    [500, 'server_error'],
    [400, 'bad_request'],
  ] as const)('%s -> %s', (status, kind) => {
    expect(providerErrorKindForStatus(status)).toBe(kind);
  });
});

describe('ProviderError', () => {
  it("hands a provider account that cannot pay to another model, without retrying that one", () => {
    expect(new ProviderError('billing', 'no credit', 402)).toMatchObject({ retryable: false, fallbackable: true });
  });
});
