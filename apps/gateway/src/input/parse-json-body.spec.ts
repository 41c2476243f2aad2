import { GatewayError } from '../../../../libs/core/src';
import { findForbiddenKey, parseJsonBody } from './parse-json-body';

function refusal(text: string): GatewayError {
  try {
    parseJsonBody(text);
  } catch (err) {
    return err as GatewayError;
  }
  throw new Error('accepted');
}

describe('parseJsonBody', () => {
  it('parses JSON, a leading byte order mark too', () => {
    expect(parseJsonBody('{"model": "auto", "n": [1, {"a": null}]}')).toEqual({ model: 'auto', n: [1, { a: null }] });
    expect(parseJsonBody('\ufeff{"a": 1}')).toEqual({ a: 1 });
    expect(parseJsonBody('"text"')).toBe('text');
  });

  it("keeps keys that only look alike: a 'constructor' without 'prototype', '__proto__' as a value, '__proto' ", () => {
    expect(parseJsonBody('{"constructor": "x", "a": {"constructor": {"name": 1}}, "b": "__proto__", "__proto": 1}')).toEqual({
      constructor: 'x',
      a: { constructor: { name: 1 } },
      b: '__proto__',
      __proto: 1,
    });
  });

  it('answers malformed JSON as Fastify does (invalid_json, without echoing the body)', () => {
    const err = refusal('{"secret": "sk-live-1234", ');
    expect((err as unknown as { code: string }).code).toBe('FST_ERR_CTP_INVALID_JSON_BODY');
    expect(err.message).not.toContain('sk-live');
  });

  it.each([
    ['{"__proto__": {"polluted": 1}}', '__proto__', '__proto__'],
    ['{"a": 1, "b": {"c": [0, {"__proto__": null}]}}', 'b.c[1].__proto__', '__proto__'],
    ['[{"x": 1}, {"__proto__": {}}]', '[1].__proto__', '__proto__'],
    ['{"\\u005f\\u005fproto\\u005f\\u005f": 1}', '__proto__', '__proto__'],
    ['{"metadata": {"constructor": {"prototype": {"polluted": 1}}}}', 'metadata.constructor.prototype', 'constructor.prototype'],
  ])('refuses %s with a 400 forbidden_key naming %s', (text, param, key) => {
    const err = refusal(text);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err.toBody().error).toEqual({ message: expect.stringContaining(`'${key}'`), type: 'invalid_request_error', param, code: 'forbidden_key' });
    expect(err.status).toBe(400);
    expect(err.message).toContain(`at ${param}`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names the shallowest forbidden key when there are several', () => {
    expect(refusal('{"a": {"b": {"__proto__": 1}}, "c": {"__proto__": 2}}').param).toBe('c.__proto__');
  });

  it('finds a forbidden key in a body nested 50 000 levels deep without overflowing the stack', () => {
    const depth = 50_000;
    const text = `${'{"a":'.repeat(depth)}{"__proto__": 1}${'}'.repeat(depth)}`;
    const err = refusal(text);
    expect(err.param).toBe(`${'a.'.repeat(depth)}__proto__`);
  });
});

describe('findForbiddenKey', () => {
  it('finds nothing in scalars and clean objects', () => {
    expect(findForbiddenKey(null)).toBeUndefined();
    expect(findForbiddenKey(5)).toBeUndefined();
    expect(findForbiddenKey({ a: [{ b: 'c' }], constructor: { name: 'x' } })).toBeUndefined();
  });
});
