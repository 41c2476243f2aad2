import { GatewayError } from '../../../../libs/core/src';
import { queryInteger } from './query-integer';

const range = { min: 1, max: 100_000, fallback: 200 };

function refusal(given: string | string[]): GatewayError {
  try {
    queryInteger(given, 'window', range);
  } catch (err) {
    return err as GatewayError;
  }
  throw new Error('accepted');
}

describe('queryInteger', () => {
  it('gives the fallback when the parameter is absent', () => {
    expect(queryInteger(undefined, 'window', range)).toBe(200);
  });

  it.each([
    ['1', 1],
    ['16', 16],
    ['016', 16],
    ['100000', 100_000],
  ])('reads %j as %d', (value, n) => {
    expect(queryInteger(value, 'window', range)).toBe(n);
  });

  it.each(['0x10', '1e3', ' 5 ', '', '+5', '5.0', '0b11', '-1', '0', '100001', '99999999999999999999', 'NaN', 'Infinity'])('refuses %j with a 400 naming the parameter', (value) => {
    const err = refusal(value);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err.status).toBe(400);
    expect(err.toBody().error).toMatchObject({ type: 'invalid_request_error', param: 'window', code: 'invalid_value' });
    expect(err.message).toContain("'window' must be a whole number from 1 to 100000");
  });

  it('refuses a parameter given twice', () => {
    expect(refusal(['5', '6']).toBody().error).toMatchObject({ param: 'window', message: "Give 'window' once." });
  });

  it('shows a long value shortened', () => {
    expect(refusal('x'.repeat(500)).message.length).toBeLessThan(200);
  });
});
