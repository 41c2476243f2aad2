import { GatewayError, parseDecimalInteger } from '../../../../libs/core/src';
import { singleQueryValue } from '../admin/admin-input';

export interface IntegerRange {
  min: number;
  max: number;
  /** When the parameter is absent. */
  fallback: number;
}

/**
 * A whole-number query parameter (`?window=200`): plain decimal digits within the range, given at
 * most once, else a 400 naming it. Not `Number()`, which reads `0x10` as 16, `1e3` as 1000, ` 5 `
 * as 5 and an empty value as 0.
 */
export function queryInteger(given: string | string[] | undefined, name: string, { min, max, fallback }: IntegerRange): number {
  const value = singleQueryValue(given, name);
  if (value === undefined) return fallback;
  const n = parseDecimalInteger(value);
  if (n === undefined || n < min || n > max) {
    const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
    throw GatewayError.invalidRequest(`'${name}' must be a whole number from ${min} to ${max} in decimal digits (got '${shown}').`, name, 'invalid_value');
  }
  return n;
}
