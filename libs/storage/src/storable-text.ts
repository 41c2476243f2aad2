/** A NUL, or a surrogate without its other half. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * False for text Postgres cannot store as given: it refuses NUL in `text` and `jsonb`, and an unpaired
 * surrogate in `jsonb` (and would store one as U+FFFD in `text`). Input that is stored as sent (an
 * admin's names and tags, a feedback comment) is checked with it and refused with a 400.
 */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}
