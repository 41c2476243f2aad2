import { formatReset, rateWindow } from './rate-limit';

describe('rate limits', () => {
  it('count in fixed one-minute windows', () => {
    const w = rateWindow(Date.parse('2026-11-21T12:00:42.500Z'));
    expect(w.resetMs).toBe(Date.parse('2026-11-21T12:01:00.000Z'));
    expect(rateWindow(w.resetMs).bucket).not.toBe(w.bucket);
  });

  it("formats resets like OpenAI's headers", () => {
    expect(formatReset(250)).toBe('250ms');
    expect(formatReset(17_500)).toBe('18s');
    expect(formatReset(60_000)).toBe('1m0s');
    expect(formatReset(366_000)).toBe('6m6s');
  });
});
