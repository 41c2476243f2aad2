import { GatewayError } from '../../../../libs/core/src';
import { gatewayErrorInClientTerms, inClientTerms } from './client-model-name';

describe('inClientTerms', () => {
  it("replaces the upstream name, bare or as models/{name}, by the client's", () => {
    expect(inClientTerms("Model 'gemini-embedding-001' takes text input only", 'gemini-embedding-001', 'docs-embed')).toBe("Model 'docs-embed' takes text input only");
    expect(inClientTerms('models/gemini-embedding-001 is not found for API version v1beta', 'gemini-embedding-001', 'docs-embed')).toBe('docs-embed is not found for API version v1beta');
    expect(inClientTerms('limit: 100, model: gemini-embedding-001\nPlease retry in 31s. (gemini-embedding-001)', 'gemini-embedding-001', 'x')).toBe('limit: 100, model: x\nPlease retry in 31s. (x)');
    expect(inClientTerms('The server had an error while serving acme-7. Retry.', 'acme-7', 'fast')).toBe('The server had an error while serving fast. Retry.');
    expect(inClientTerms('Rate limit reached for acme-7.', 'acme-7', 'fast')).toBe('Rate limit reached for fast.');
  });

  it('leaves longer names that contain it, and messages without it, as they are', () => {
    expect(inClientTerms('Model "text-embedding-3-small-eu" failed', 'text-embedding-3-small', 'alias')).toBe('Model "text-embedding-3-small-eu" failed');
    expect(inClientTerms('my-text-embedding-3-small.v2', 'text-embedding-3-small', 'alias')).toBe('my-text-embedding-3-small.v2');
    expect(inClientTerms("This model's maximum context length is 8192 tokens", 'text-embedding-3-small', 'alias')).toBe("This model's maximum context length is 8192 tokens");
    expect(inClientTerms('same name', 'same', 'same')).toBe('same name');
  });

  it('treats the upstream name literally (no regex meaning)', () => {
    expect(inClientTerms('deployment a.b+c failed', 'a.b+c', 'alias')).toBe('deployment alias failed');
    expect(inClientTerms('deployment aXb+c failed', 'a.b+c', 'alias')).toBe('deployment aXb+c failed');
  });
});

describe('errors in client terms', () => {
  it('a gateway error keeps its status, type, code and param', () => {
    const err = GatewayError.invalidRequest("Model 'up-1' takes text input only.", 'input', 'invalid_value');
    expect(gatewayErrorInClientTerms(err, 'up-1', 'mine')).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'invalid_value', param: 'input', message: "Model 'mine' takes text input only." });
  });
});
