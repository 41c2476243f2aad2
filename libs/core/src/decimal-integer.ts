const DECIMAL_DIGITS = /^[0-9]+$/;

/**
 * A whole number written as plain decimal digits (`"42"`, `"007"`), else undefined. `Number()` also
 * takes `"0x10"`, `"1e3"`, `" 5 "`, `"0b11"` and `""` (as 0), which is not what a caller writing a
 * count means. A string of digits too long to be exact comes back as a large (or infinite) number,
 * for the caller's range check to refuse.
 */
export function parseDecimalInteger(text: string): number | undefined {
  return DECIMAL_DIGITS.test(text) ? Number(text) : undefined;
}
