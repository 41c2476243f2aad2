/** A `\u0000` or lone-surrogate escape, at any depth of JSON-in-JSON (JSON.stringify escapes a lone surrogate, never a pair). */
const UNSTORABLE_ESCAPE = /\\u(?:0000|d[89a-f][0-9a-f]{2})/g;

/**
 * `JSON.stringify(value)` as a `::jsonb` parameter can take it. Postgres refuses `\u0000` in jsonb
 * and an unpaired surrogate in UTF-8 text, and one such string (a client's tag, an upstream error cut
 * inside an emoji) fails the whole statement: a batch of records would be retried, and refused,
 * forever. Those characters become U+FFFD instead, also inside a JSON string nested in the value (a
 * record's `attempts`).
 */
export function toPostgresJson(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes('\\u') ? json.replace(UNSTORABLE_ESCAPE, '\\ufffd') : json;
}
