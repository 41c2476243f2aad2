import { REASONING_SUMMARY, type ChatRequest, type ChatRequestMarks } from '../../../core/src';
import { convertToGeminiThinking } from './convert-to-gemini-thinking';

const on = (model: string, extra: Partial<ChatRequest> & ChatRequestMarks = {}) => convertToGeminiThinking({ model, ...extra });

describe('convertToGeminiThinking', () => {
  it('sends nothing when the client asks for no reasoning', () => {
    expect(on('gemini-2.5-flash')).toBeUndefined();
    expect(on('gemini-3-flash-preview', { reasoning_effort: null })).toBeUndefined();
  });

  it("maps an effort to Google's budgets on Gemini 2.x, with the thought summaries", () => {
    expect(on('gemini-2.5-flash', { reasoning_effort: 'low' })).toEqual({ includeThoughts: true, thinkingBudget: 1024 });
    expect(on('gemini-2.5-pro', { reasoning_effort: 'medium' })).toEqual({ includeThoughts: true, thinkingBudget: 8192 });
    expect(on('models/gemini-2.5-flash', { reasoning_effort: 'high' })).toEqual({ includeThoughts: true, thinkingBudget: 24576 });
    expect(on('gemini-2.5-flash', { reasoning_effort: 'minimal' })).toEqual({ includeThoughts: true, thinkingBudget: 1024 });
  });

  it('turns thinking off for effort none on Gemini 2.x, without asking for thoughts unless a summary is asked', () => {
    expect(on('gemini-2.5-flash', { reasoning_effort: 'none' })).toEqual({ thinkingBudget: 0 });
    expect(on('gemini-2.5-flash', { reasoning_effort: 'none', [REASONING_SUMMARY]: true })).toEqual({ includeThoughts: true, thinkingBudget: 0 });
  });

  it('maps an effort to the two levels every later model takes', () => {
    for (const effort of ['none', 'minimal', 'low'] as const) expect(on('gemini-3-pro-preview', { reasoning_effort: effort })?.thinkingLevel).toBe('low');
    for (const effort of ['medium', 'high', 'xhigh'] as const) expect(on('gemini-3-flash-preview', { reasoning_effort: effort })).toEqual({ includeThoughts: true, thinkingLevel: 'high' });
  });

  it("asks for the thought summaries alone when a Responses request asks for a summary without an effort", () => {
    expect(on('gemini-2.5-flash', { [REASONING_SUMMARY]: true })).toEqual({ includeThoughts: true });
    expect(on('gemini-3-flash-preview', { [REASONING_SUMMARY]: true })).toEqual({ includeThoughts: true });
  });
});
