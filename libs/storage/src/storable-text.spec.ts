import { isStorableText } from './storable-text';

describe('isStorableText', () => {
  it.each(['', 'plain', 'é', '🧪👩‍👩‍👧', 'tab\t\u0001\u001f', '\ufffd', '\\u0000'])('accepts %j', (text) => {
    expect(isStorableText(text)).toBe(true);
  });

  it.each(['a\u0000b', '\ud800', 'x\udfff', '🧪'.slice(0, 1), '🧪'.slice(1), '\udc00\ud800'])('refuses %j', (text) => {
    expect(isStorableText(text)).toBe(false);
  });
});
