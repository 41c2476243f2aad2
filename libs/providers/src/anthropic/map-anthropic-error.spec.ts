import { anthropicStreamError, describeAnthropicError, mapAnthropicErrorType } from './map-anthropic-error';

describe('mapAnthropicErrorType', () => {
  it.each([
    ['rate_limit_error', 'rate_limited'],
    ['overloaded_error', 'overloaded'],
    ['authentication_error', 'auth'],
    ['permission_error', 'auth'],
    ['not_found_error', 'not_found'],
    ['invalid_request_error', 'bad_request'],
    ['request_too_large', 'bad_request'],
    ['api_error', 'server_error'],
    ['timeout_error', 'timeout'],
  ])('%s -> %s', (type, kind) => {
    expect(mapAnthropicErrorType(type)).toBe(kind);
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
