import { parseDecimalInteger } from './decimal-integer';

describe('parseDecimalInteger', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['42', 42],
    ['007', 7],
    ['100000', 100_000],
  ])('reads %j as %d', (text, n) => {
    expect(parseDecimalInteger(text)).toBe(n);
  });

  it.each(['', ' ', ' 5', '5 ', ' 5 ', '\t5', '5\n', '0x10', '0X10', '0b11', '0o17', '1e3', '1E3', '1.0', '1.', '.5', '+5', '-5', '-0', '1_000', '1,000', 'Infinity', 'NaN', '５', '١', 'abc'])(
    'refuses %j',
    (text) => {
      expect(parseDecimalInteger(text)).toBeUndefined();
    },
  );

  it('gives a digit string too long to be exact as a number past any range a caller checks', () => {
    expect(parseDecimalInteger('99999999999999999999')).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    expect(parseDecimalInteger('9'.repeat(400))).toBe(Infinity);
  });
});
