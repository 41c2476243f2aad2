import { fixed, formatTable, percent, usd } from './format-table';

describe('formatTable', () => {
  it('pads columns, right-aligns numbers and shows missing values as -', () => {
    const text = formatTable(['model', 'requests', 'cost'], [
      ['cheap', 120, usd(0.0012)],
      ['strong-model', 3, null],
    ]);
    expect(text.split('\n')).toEqual([
      'model         requests  cost',
      '------------  --------  --------',
      'cheap              120  $0.00120',
      'strong-model         3  -',
    ]);
  });

  it('formats money, shares and fixed decimals', () => {
    expect(usd(12.345)).toBe('$12.35');
    expect(usd(0.000123456)).toBe('$0.000123');
    expect(percent(0.1234)).toBe('12.3%');
    expect(fixed(null, 2)).toBe('-');
    expect(fixed(0.5, 2)).toBe('0.50');
  });
});
