import { GatewayError } from '../../../../libs/core/src';
import { retryHeaders } from './retry-headers';

describe('retryHeaders', () => {
  it('tells the SDK not to retry a spent budget, and still says when it resets', () => {
    expect(retryHeaders(GatewayError.budgetExceeded('spent', 40_000))).toEqual({ 'retry-after': '40000', 'x-should-retry': 'false' });
  });

  it("tells it not to retry the gateway's account at a provider that cannot pay either", () => {
    expect(retryHeaders(new GatewayError(502, 'no credit', 'api_error', 'upstream_billing'))).toEqual({ 'x-should-retry': 'false' });
  });

  it("leaves a rate limit and a server error to the SDK's own retry rules", () => {
    expect(retryHeaders(new GatewayError(429, 'slow down', 'rate_limit_error', 'rate_limit_exceeded', null, 3))).toEqual({ 'retry-after': '3' });
    expect(retryHeaders(GatewayError.internal())).toEqual({});
  });
});
