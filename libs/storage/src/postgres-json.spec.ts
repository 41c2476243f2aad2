import { toPostgresJson } from './postgres-json';

describe('toPostgresJson', () => {
  it('is JSON.stringify for ordinary values, surrogate pairs and other escapes included', () => {
    const value = { a: 'plain', b: ['é', '🧪👩‍👩‍👧', 'tab\there', '\u0001', 'quote " back \\ slash'], c: 1.5, d: null };
    expect(toPostgresJson(value)).toBe(JSON.stringify(value));
  });

  it('turns NUL and unpaired surrogates into U+FFFD', () => {
    const json = toPostgresJson({ tags: ['a\u0000b', 'x\ud800', '\udfffy', '🧪'.slice(0, 1)] });
    expect(JSON.parse(json)).toEqual({ tags: ['a\ufffdb', 'x\ufffd', '\ufffdy', '\ufffd'] });
  });

  it('also inside a JSON string nested in the value', () => {
    const nested = JSON.stringify([{ message: 'cut 🧪'.slice(0, 5) + ' and \u0000' }]);
    const json = toPostgresJson({ attempts: nested });
    expect(JSON.parse(JSON.parse(json).attempts)).toEqual([{ message: 'cut \ufffd and \ufffd' }]);
  });
});
