import { ProviderError, type ProviderErrorKind } from '../../../../libs/providers/src';
import { endsEmbeddingRequest } from './embedding-failover';

describe('endsEmbeddingRequest', () => {
  const ends = (kind: ProviderErrorKind) => endsEmbeddingRequest(new ProviderError(kind, 'x', 400));

  it("client mistakes end the request: a rejected request, and an input over the model's limit (the same at every deployment)", () => {
    expect(ends('bad_request')).toBe(true);
    expect(ends('context_length')).toBe(true);
  });

  it("the provider's faults and refusals go on to the same model's other deployment", () => {
    for (const kind of ['rate_limited', 'overloaded', 'server_error', 'timeout', 'connection', 'malformed_response', 'auth', 'not_found', 'content_policy'] as const) {
      expect([kind, ends(kind)]).toEqual([kind, false]);
    }
  });
});
