export const RATE_WINDOW_MS = 60_000;

/** The fixed one-minute window a rate-limit counter counts in. */
export function rateWindow(nowMs: number): { bucket: string; resetMs: number; ttlMs: number } {
  const index = Math.floor(nowMs / RATE_WINDOW_MS);
  return { bucket: `m${index}`, resetMs: (index + 1) * RATE_WINDOW_MS, ttlMs: 2 * RATE_WINDOW_MS };
}

/** OpenAI's reset format: `1s`, `6m0s`, `12ms`. */
export function formatReset(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const seconds = Math.ceil(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m${seconds % 60}s` : `${seconds}s`;
}
