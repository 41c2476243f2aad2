import { normaliseJudgeScore, parseJudgeVerdict } from './parse-judge-verdict';

describe('parseJudgeVerdict', () => {
  it('reads a JSON verdict', () => {
    expect(parseJudgeVerdict('{"score": 9, "reason": "Correct and brief."}')).toEqual({ ok: true, verdict: { score: 9, reason: 'Correct and brief.' } });
  });

  it('finds the object inside text around it or a code fence', () => {
    expect(parseJudgeVerdict('Here is my verdict:\n```json\n{"score": 2, "reason": "Wrong city."}\n```\nHope it helps')).toEqual({ ok: true, verdict: { score: 2, reason: 'Wrong city.' } });
  });

  it('takes a numeric string score and a missing reason', () => {
    expect(parseJudgeVerdict('{"score": "7"}')).toEqual({ ok: true, verdict: { score: 7, reason: '' } });
  });

  it('refuses malformed JSON, a missing score and a score out of 1..10, without quoting the reply', () => {
    expect(parseJudgeVerdict('{"score": 9, "reason": ')).toEqual({ ok: false, error: 'verdict is not JSON' });
    expect(parseJudgeVerdict('')).toEqual({ ok: false, error: 'empty verdict' });
    expect(parseJudgeVerdict(null)).toEqual({ ok: false, error: 'empty verdict' });
    expect(parseJudgeVerdict('[9]')).toEqual({ ok: false, error: 'verdict is not JSON' });
    expect(parseJudgeVerdict('{"grade": 9}')).toEqual({ ok: false, error: 'verdict has no numeric score' });
    expect(parseJudgeVerdict('{"score": "high"}')).toEqual({ ok: false, error: 'verdict has no numeric score' });
    expect(parseJudgeVerdict('{"score": 11}')).toEqual({ ok: false, error: 'verdict score out of range 1-10' });
    expect(parseJudgeVerdict('{"score": 0, "reason": "secret-ish text"}')).toEqual({ ok: false, error: 'verdict score out of range 1-10' });
  });

  it('keeps at most 300 characters of the reason', () => {
    const parsed = parseJudgeVerdict(JSON.stringify({ score: 5, reason: 'x'.repeat(1000) }));
    expect(parsed.ok && parsed.verdict.reason.length).toBe(300);
  });
});

describe('normaliseJudgeScore', () => {
  it('maps 1..10 onto 0..1', () => {
    expect(normaliseJudgeScore(1)).toBe(0);
    expect(normaliseJudgeScore(10)).toBe(1);
    expect(normaliseJudgeScore(5.5)).toBeCloseTo(0.5, 12);
  });
});
