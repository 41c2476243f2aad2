import { buildJudgeRequest, JUDGE_INSTRUCTIONS } from './judge-prompt';
import { JUDGE_LIMITS, judgeTranscript, truncateText } from './judge-transcript';

describe('judgeTranscript', () => {
  it('keeps text parts, turns images, audio and files into placeholders, and shows tool calls and results', () => {
    const t = judgeTranscript(
      [
        { role: 'system', content: 'Be kind.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is on this picture?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            { type: 'file', file: { filename: 'notes.pdf', file_data: 'data:application/pdf;base64,BBBB' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'a cat' },
      ],
      { content: 'A cat.', toolCalls: [] },
    );
    expect(t).toEqual({
      conversation: [
        { role: 'system', text: 'Be kind.' },
        { role: 'user', text: 'What is on this picture?\n[image]\n[file: notes.pdf]' },
        { role: 'assistant', text: '[tool call lookup({"q":"cat"})]' },
        { role: 'tool', text: '[tool result] a cat' },
      ],
      answer: 'A cat.',
      truncated: false,
    });
    expect(JSON.stringify(t)).not.toContain('base64');
  });

  it('bounds the payload: the last turns only, each turn and the answer cut, and says so', () => {
    const many = Array.from({ length: JUDGE_LIMITS.turns + 5 }, (_, i) => ({ role: 'user' as const, content: `m${i} ${'y'.repeat(i === JUDGE_LIMITS.turns + 4 ? 10_000 : 1)}` }));
    const t = judgeTranscript(many, { content: 'z'.repeat(20_000), toolCalls: [] });
    expect(t.truncated).toBe(true);
    expect(t.conversation[0]).toEqual({ role: 'note', text: '[5 earlier messages left out]' });
    expect(t.conversation).toHaveLength(JUDGE_LIMITS.turns + 1);
    expect(t.conversation[1].text.startsWith('m5 ')).toBe(true);
    expect(t.conversation.at(-1)!.text.length).toBe(JUDGE_LIMITS.turnChars);
    expect(t.answer.length).toBe(JUDGE_LIMITS.answerChars);
    expect(t.answer).toMatch(/\[\.\.\. \d+ characters left out\]$/);
  });

  it('leaves a short text as it is', () => {
    expect(truncateText('short', 10)).toBe('short');
  });
});

describe('buildJudgeRequest', () => {
  const transcript = { conversation: [{ role: 'user', text: 'Capital of France?' }], answer: 'Paris.', truncated: false };

  it('puts the fixed instructions, the rubric, the conversation and the answer, and asks for a JSON verdict', () => {
    const request = buildJudgeRequest(transcript, { rubric: 'Answers name a city.', maxTokens: 128 });
    expect(request.messages[0]).toEqual({ role: 'system', content: `${JUDGE_INSTRUCTIONS}\n\nWhat a good answer is on this route:\nAnswers name a city.` });
    expect(request.messages[1]).toEqual({ role: 'user', content: '<conversation>\n[user]\nCapital of France?\n</conversation>\n\n<answer>\nParis.\n</answer>' });
    expect(request).toMatchObject({ max_tokens: 128, temperature: 0, response_format: { type: 'json_schema', json_schema: { name: 'judge_verdict', strict: true } } });
    expect(JUDGE_INSTRUCTIONS).toContain('{"score": <integer 1-10>, "reason": "<one short sentence>"}');
  });

  it('tells the judge when texts were cut, and has no rubric section without one', () => {
    const request = buildJudgeRequest({ ...transcript, truncated: true }, { maxTokens: 64 });
    expect(request.messages[0].content).toBe(JUDGE_INSTRUCTIONS);
    expect(request.messages[1].content).toMatch(/Long texts were cut to fit/);
  });
});
