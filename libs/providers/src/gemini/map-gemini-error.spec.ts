import { ProviderError } from '../provider';
import { geminiStreamError, mapGeminiErrorStatus, parseGeminiError, refineGeminiError, retryDelayMs } from './map-gemini-error';

const exhausted = JSON.stringify({
  error: {
    code: 429,
    message: 'You exceeded your current quota.',
    status: 'RESOURCE_EXHAUSTED',
    details: [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [] },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' },
    ],
  },
});

describe('Gemini errors', () => {
  it.each([
    ['RESOURCE_EXHAUSTED', 'rate_limited'],
    ['UNAVAILABLE', 'overloaded'],
    ['INTERNAL', 'server_error'],
    ['DEADLINE_EXCEEDED', 'timeout'],
    ['PERMISSION_DENIED', 'auth'],
    ['UNAUTHENTICATED', 'auth'],
    ['NOT_FOUND', 'not_found'],
    ['INVALID_ARGUMENT', 'bad_request'],
    ['WHATEVER', undefined],
  ])('status %s -> %s', (status, kind) => {
    expect(mapGeminiErrorStatus(status)).toBe(kind);
  });

  it('parses the error body, also inside a JSON array, and its RetryInfo', () => {
    const error = parseGeminiError(exhausted);
    expect(error?.message).toBe('You exceeded your current quota.');
    expect(retryDelayMs(error)).toBe(37000);
    expect(parseGeminiError(`[${exhausted}]`)?.status).toBe('RESOURCE_EXHAUSTED');
    expect(retryDelayMs({ details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' }] })).toBe(1500);
    expect(parseGeminiError('nope')).toBeUndefined();
  });

  it('refines kind and retry delay, the retry-after header winning', () => {
    const error = parseGeminiError(exhausted);
    expect(refineGeminiError(new ProviderError('bad_request', 'm', 400), error)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 37000 });
    expect(refineGeminiError(new ProviderError('rate_limited', 'm', 429, 5000), error)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 5000 });
  });

  it('keeps a context-length refinement over INVALID_ARGUMENT', () => {
    const refined = refineGeminiError(new ProviderError('context_length', 'too long', 400), { status: 'INVALID_ARGUMENT', message: 'too long' });
    expect(refined.kind).toBe('context_length');
  });

  it('turns a stream error event into a ProviderError', () => {
    expect(geminiStreamError({ code: 503, status: 'UNAVAILABLE', message: 'The model is overloaded.' }, true)).toMatchObject({
      kind: 'overloaded',
      upstreamStatus: 200,
      midStream: true,
    });
  });
});
