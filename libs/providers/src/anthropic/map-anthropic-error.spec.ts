import { ProviderError } from '../provider';
import { anthropicStreamError, describeAnthropicError, mapAnthropicErrorType, refineAnthropicError } from './map-anthropic-error';

describe('mapAnthropicErrorType', () => {
  it.each([
    ['rate_limit_error', 'rate_limited'],
    ['overloaded_error', 'overloaded'],
    ['authentication_error', 'auth'],
    ['permission_error', 'auth'],
    ['billing_error', 'billing'],
    ['not_found_error', 'not_found'],
    ['invalid_request_error', 'bad_request'],
    ['request_too_large', 'bad_request'],
    ['api_error', 'server_error'],
    ['timeout_error', 'timeout'],
  ])('%s -> %s', (type, kind) => {
    expect(mapAnthropicErrorType(type)).toBe(kind);
  });
});

describe('refineAnthropicError', () => {
  it("makes the account's own limits, which Anthropic answers with a 400, a billing error", () => {
    for (const message of [
      'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
      'You have reached your specified API usage limits. You will regain access on 2027-01-01 at 00:00 UTC.',
      'You have reached your specified workspace API usage limits. You will regain access on 2027-01-01 at 00:00 UTC.',
    ]) {
      expect(refineAnthropicError(new ProviderError('bad_request', message, 400))).toMatchObject({ kind: 'billing', message, upstreamStatus: 400, fallbackable: true, retryable: false });
    }
  });

  it('leaves any other error as it is', () => {
    const other = new ProviderError('bad_request', 'messages: at least one message is required', 400);
    expect(refineAnthropicError(other)).toBe(other);
    const limited = new ProviderError('rate_limited', 'Your credit balance is too low', 429);
    expect(refineAnthropicError(limited)).toBe(limited);
  });
});

describe('describeAnthropicError', () => {
  it('reads the message of an Anthropic error body', () => {
    expect(describeAnthropicError('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}')).toBe('Overloaded');
  });
  it('falls back to the raw text', () => {
    expect(describeAnthropicError('bad gateway')).toBe('bad gateway');
    expect(describeAnthropicError('')).toBeUndefined();
  });
});

describe('anthropicStreamError', () => {
  it('builds a mid-stream ProviderError', () => {
    const err = anthropicStreamError({ type: 'overloaded_error', message: 'Overloaded' }, true);
    expect(err).toMatchObject({ kind: 'overloaded', message: 'Overloaded', upstreamStatus: 200, midStream: true });
    expect(err.retryable).toBe(true);
  });
});
