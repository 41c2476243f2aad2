import { isGemini2OrOlder } from './is-gemini-2-or-older';

describe('isGemini2OrOlder', () => {
  it.each([
    ['gemini-2.5-flash', true],
    ['models/gemini-2.5-pro', true],
    ['gemini-2.0-flash-001', true],
    ['gemini-1.5-pro', true],
    ['gemini-3-flash-preview', false],
    ['gemini-3.1-pro', false],
    ['gemini-flash-latest', false],
  ])('%s: %s', (model, expected) => {
    expect(isGemini2OrOlder(model)).toBe(expected);
  });
});
