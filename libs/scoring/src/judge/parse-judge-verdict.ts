/** A judge's verdict: its grade (1..10) and why. */
export interface JudgeVerdict {
  score: number;
  reason: string;
}

export type ParsedVerdict = { ok: true; verdict: JudgeVerdict } | { ok: false; error: string };

/** The longest reason kept (it is stored among the score's validator results). */
export const MAX_REASON_CHARS = 300;

/**
 * Reads a judge's reply defensively: the JSON object alone, in a code fence, or with text around it;
 * `score` a number (or numeric string) from 1 to 10. The error never quotes the reply (it is the
 * provider's text).
 */
export function parseJudgeVerdict(text: string | null | undefined): ParsedVerdict {
  if (!text || text.trim() === '') return { ok: false, error: 'empty verdict' };
  const value = parseObject(text);
  if (value === undefined) return { ok: false, error: 'verdict is not JSON' };
  const raw = value.score;
  const score = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(score)) return { ok: false, error: 'verdict has no numeric score' };
  if (score < 1 || score > 10) return { ok: false, error: 'verdict score out of range 1-10' };
  const reason = typeof value.reason === 'string' ? value.reason.trim().slice(0, MAX_REASON_CHARS) : '';
  return { ok: true, verdict: { score, reason } };
}

/** The judge's grade on 0..1: 1 -> 0, 10 -> 1. */
export function normaliseJudgeScore(score: number): number {
  return (score - 1) / 9;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  const asObject = (v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
  try {
    return asObject(JSON.parse(text));
  } catch {
    // Text around the object (a preamble, a code fence): the outermost braces.
    const start = text.indexOf('{');
    const end = text.lastIndexOf('}');
    if (start < 0 || end <= start) return undefined;
    try {
      return asObject(JSON.parse(text.slice(start, end + 1)));
    } catch {
      return undefined;
    }
  }
}
