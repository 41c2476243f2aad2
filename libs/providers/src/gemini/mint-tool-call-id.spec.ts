import { mintToolCallId } from './mint-tool-call-id';

describe('mintToolCallId', () => {
  const base = { responseId: 'r1', candidateIndex: 0, toolIndex: 0, name: 'f', args: '{}' };
  it('is stable and shaped like an OpenAI call id', () => {
    expect(mintToolCallId(base)).toBe(mintToolCallId({ ...base }));
    expect(mintToolCallId(base)).toMatch(/^call_[0-9a-f]{24}$/);
  });
  it('differs by position and content', () => {
    const ids = new Set([
      mintToolCallId(base),
      mintToolCallId({ ...base, toolIndex: 1 }),
      mintToolCallId({ ...base, candidateIndex: 1 }),
      mintToolCallId({ ...base, responseId: 'r2' }),
      mintToolCallId({ ...base, args: '{"a":1}' }),
    ]);
    expect(ids.size).toBe(5);
  });
});
