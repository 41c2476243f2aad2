/**
 * What a fuzzed request may get back: a 200, or a 4xx whose body is an OpenAI error (`error.message` and
 * `error.type` strings). Throws otherwise (a 5xx, another status, an error in another shape), so a
 * fast-check property fails on it.
 */
export function expectOkOrOpenAIError(res: { statusCode: number; body: string }): void {
  if (res.statusCode >= 500) throw new Error(`HTTP ${res.statusCode}: ${res.body.slice(0, 300)}`);
  if (res.statusCode >= 400) {
    const error = (JSON.parse(res.body) as { error?: { message?: unknown; type?: unknown } }).error;
    if (typeof error?.message !== 'string' || typeof error.type !== 'string') throw new Error(`not an OpenAI error: ${res.body.slice(0, 300)}`);
  } else if (res.statusCode !== 200) {
    throw new Error(`unexpected HTTP ${res.statusCode}`);
  }
}
