import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { REASONING_SUMMARY, type ChatRequest, type ChatRequestMarks } from '../../../core/src';
import type { AnthropicRequestBody } from './anthropic-api';
import { mayTurnThinkingOn, planAnthropicThinking, sizeThinking, withThinkingDisplay, THINKING_BUDGET } from './convert-to-anthropic-thinking';

const unsupported = expect.objectContaining({ status: 400, param: 'reasoning_effort', code: 'unsupported_parameter' });

describe('planAnthropicThinking', () => {
  it('sends nothing without an effort, whatever the model', () => {
    expect(planAnthropicThinking(undefined, { model: 'claude-3-5-haiku', canThink: false })).toEqual({ kind: 'none' });
    expect(planAnthropicThinking(null, { model: 'claude-opus-5-5', mode: 'always', canThink: true })).toEqual({ kind: 'none' });
  });

  it('refuses an effort on a model that cannot think, or one not known to', () => {
    expect(() => planAnthropicThinking('low', { model: 'claude-3-5-haiku-20241022', mode: 'off', canThink: false })).toThrow(unsupported);
    expect(() => planAnthropicThinking('none', { model: 'claude-3-5-haiku-20241022', canThink: false })).toThrow(unsupported);
    expect(() => planAnthropicThinking('high', { model: 'claude-sonnet-4-20250514' })).toThrow(unsupported);
  });

  it('gives a budget to Claude 4.5 and older, leaving thinking off for none and minimal', () => {
    const sonnet4 = { model: 'claude-sonnet-4-20250514', mode: 'off' as const, canThink: true };
    expect(planAnthropicThinking('none', sonnet4)).toEqual({ kind: 'none' });
    expect(planAnthropicThinking('minimal', sonnet4)).toEqual({ kind: 'none' });
    expect(planAnthropicThinking('low', sonnet4)).toEqual({ kind: 'budget', budget: 1024 });
    expect(planAnthropicThinking('medium', sonnet4)).toEqual({ kind: 'budget', budget: 8192 });
    expect(planAnthropicThinking('high', sonnet4)).toEqual({ kind: 'budget', budget: 24576 });
    expect(planAnthropicThinking('xhigh', { ...sonnet4, model: 'claude-haiku-4-5-20251001' })).toEqual({ kind: 'budget', budget: THINKING_BUDGET.xhigh });
  });

  it('turns adaptive thinking on with an effort for Claude 4.6 and later; xhigh is high on 4.6', () => {
    const haiku55 = { model: 'claude-haiku-5-5', mode: 'off' as const, canThink: true };
    expect(planAnthropicThinking('minimal', haiku55)).toEqual({ kind: 'none' });
    expect(planAnthropicThinking('low', haiku55)).toEqual({ kind: 'adaptive', effort: 'low' });
    expect(planAnthropicThinking('xhigh', haiku55)).toEqual({ kind: 'adaptive', effort: 'xhigh' });
    expect(planAnthropicThinking('xhigh', { ...haiku55, model: 'claude-sonnet-4-6' })).toEqual({ kind: 'adaptive', effort: 'high' });
    expect(planAnthropicThinking('max', { ...haiku55, model: 'claude-sonnet-4-6' })).toEqual({ kind: 'adaptive', effort: 'max' });
  });

  it('only sets the effort of a model that always thinks; none and minimal ask for its least', () => {
    const opus = { model: 'claude-opus-5-5', mode: 'always' as const };
    expect(planAnthropicThinking('none', opus)).toEqual({ kind: 'effort', effort: 'low' });
    expect(planAnthropicThinking('minimal', { ...opus, canThink: true })).toEqual({ kind: 'effort', effort: 'low' });
    expect(planAnthropicThinking('medium', opus)).toEqual({ kind: 'effort', effort: 'medium' });
    expect(planAnthropicThinking('xhigh', opus)).toEqual({ kind: 'effort', effort: 'xhigh' });
  });
});

describe('mayTurnThinkingOn', () => {
  const call: MessageParam = { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] };
  const result: MessageParam = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: '42' }] };

  it('allows it outside a tool-use cycle, and in one whose assistant turn starts with its thinking', () => {
    expect(mayTurnThinkingOn([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }])).toBe(true);
    expect(mayTurnThinkingOn([{ role: 'user', content: 'hi' }, { role: 'assistant', content: [{ type: 'text', text: 'Hello' }] }, { role: 'user', content: 'more' }])).toBe(true);
    const thought: MessageParam = { role: 'assistant', content: [{ type: 'thinking', thinking: 'call f', signature: 's' }, ...(call.content as [])] };
    expect(mayTurnThinkingOn([{ role: 'user', content: 'hi' }, thought, result])).toBe(true);
    const redacted: MessageParam = { role: 'assistant', content: [{ type: 'redacted_thinking', data: 'd' }, ...(call.content as [])] };
    expect(mayTurnThinkingOn([{ role: 'user', content: 'hi' }, redacted, result])).toBe(true);
  });

  it('keeps it off for tool results whose assistant turn has no thinking', () => {
    expect(mayTurnThinkingOn([{ role: 'user', content: 'hi' }, call, result])).toBe(false);
  });
});

describe('sizeThinking', () => {
  const request: ChatRequest = { model: 'claude-sonnet-4-20250514', messages: [{ role: 'user', content: 'hi' }] };
  const body = (extra: Partial<AnthropicRequestBody> = {}): AnthropicRequestBody => ({ model: request.model, max_tokens: 64000, messages: [{ role: 'user', content: 'hi' }], ...extra });

  it('sends nothing for no plan, and only the effort to a model that always thinks', () => {
    expect(sizeThinking({ kind: 'none' }, body(), request)).toEqual({});
    // A forced tool choice is the catalog's concern there (forced_tool_choice: false), not the effort's.
    expect(sizeThinking({ kind: 'effort', effort: 'low' }, body({ tool_choice: { type: 'any' } }), { ...request, temperature: 0.2 })).toEqual({ output_config: { effort: 'low' } });
  });

  it('sends the budget under max_tokens, capping it rather than raising max_tokens', () => {
    expect(sizeThinking({ kind: 'budget', budget: 8192 }, body(), request)).toEqual({ thinking: { type: 'enabled', budget_tokens: 8192 } });
    expect(sizeThinking({ kind: 'budget', budget: 24576 }, body({ max_tokens: 2000 }), request)).toEqual({ thinking: { type: 'enabled', budget_tokens: 1999 } });
    expect(sizeThinking({ kind: 'budget', budget: 1024 }, body({ max_tokens: 1025 }), request)).toEqual({ thinking: { type: 'enabled', budget_tokens: 1024 } });
  });

  it('refuses a max_tokens with no room for the minimum budget', () => {
    expect(() => sizeThinking({ kind: 'budget', budget: 1024 }, body({ max_tokens: 1024 }), request)).toThrow(
      expect.objectContaining({ param: 'reasoning_effort', code: 'unsupported_parameter', message: expect.stringContaining('max_tokens 1024') }),
    );
  });

  it('sends adaptive thinking with its effort, a forced tool choice included', () => {
    expect(sizeThinking({ kind: 'adaptive', effort: 'medium' }, body({ tool_choice: { type: 'tool', name: 'f' } }), request)).toEqual({
      thinking: { type: 'adaptive' },
      output_config: { effort: 'medium' },
    });
  });

  it.each<[string, Partial<ChatRequest>, Partial<AnthropicRequestBody>, string]>([
    ['a temperature other than 1', { temperature: 0.2 }, {}, 'temperature other than 1'],
    ['a top_p below 0.95', { top_p: 0.5 }, {}, 'top_p below 0.95'],
    ['a prefill', {}, { messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'Sure' }] }, 'prefill'],
  ])('refuses thinking with %s, naming it', (_, extra, bodyExtra, what) => {
    for (const plan of [{ kind: 'budget', budget: 1024 }, { kind: 'adaptive', effort: 'low' }] as const) {
      expect(() => sizeThinking(plan, body(bodyExtra), { ...request, ...extra })).toThrow(expect.objectContaining({ param: 'reasoning_effort', code: 'unsupported_parameter', message: expect.stringContaining(what) }));
    }
  });

  it('takes a temperature of 1 and a top_p of 0.95 or more (a top_p beside a temperature is not sent)', () => {
    const plan = { kind: 'budget', budget: 1024 } as const;
    expect(() => sizeThinking(plan, body(), { ...request, temperature: 1 })).not.toThrow();
    expect(() => sizeThinking(plan, body(), { ...request, top_p: 0.95 })).not.toThrow();
    expect(() => sizeThinking(plan, body(), { ...request, temperature: 1, top_p: 0.5 })).not.toThrow();
  });

  it('refuses a forced tool call with a budget, naming where it comes from', () => {
    const plan = { kind: 'budget', budget: 1024 } as const;
    expect(() => sizeThinking(plan, body({ tool_choice: { type: 'any' } }), { ...request, tool_choice: 'required' })).toThrow(expect.objectContaining({ message: expect.stringContaining('forced tool call (tool_choice)') }));
    const schema: ChatRequest = { ...request, response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: {} } } };
    expect(() => sizeThinking(plan, body({ tool_choice: { type: 'tool', name: 'answer' } }), schema)).toThrow(expect.objectContaining({ param: 'reasoning_effort', message: expect.stringContaining('response_format json_schema') }));
    expect(() => sizeThinking(plan, body({ tool_choice: { type: 'auto' } }), request)).not.toThrow();
  });
});

describe('withThinkingDisplay', () => {
  const summary = { model: 'm', messages: [], [REASONING_SUMMARY]: true } as ChatRequest & ChatRequestMarks;
  const chat = { model: 'm', messages: [] } as ChatRequest;

  it('asks Claude 4.7 and later for summarized thinking when a reasoning summary is wanted and the model thinks on the call', () => {
    expect(withThinkingDisplay({ type: 'adaptive' }, summary, { model: 'claude-haiku-5-5', mode: 'off' })).toEqual({ type: 'adaptive', display: 'summarized' });
    // Always thinking, no effort: the thinking field that only sets the display (adaptive is its default).
    expect(withThinkingDisplay(undefined, summary, { model: 'claude-opus-5-5', mode: 'always' })).toEqual({ type: 'adaptive', display: 'summarized' });
    expect(withThinkingDisplay(undefined, summary, { model: 'claude-opus-4-7', mode: 'off' })).toBeUndefined();
  });

  it('leaves the model default for a chat request, and for models that show their thinking anyway', () => {
    expect(withThinkingDisplay({ type: 'adaptive' }, chat, { model: 'claude-opus-5-5', mode: 'always' })).toEqual({ type: 'adaptive' });
    expect(withThinkingDisplay(undefined, chat, { model: 'claude-opus-5-5', mode: 'always' })).toBeUndefined();
    expect(withThinkingDisplay({ type: 'adaptive' }, summary, { model: 'claude-sonnet-4-6', mode: 'off' })).toEqual({ type: 'adaptive' });
    expect(withThinkingDisplay({ type: 'enabled', budget_tokens: 1024 }, summary, { model: 'claude-sonnet-4-5', mode: 'off' })).toEqual({ type: 'enabled', budget_tokens: 1024 });
  });

  it("sends the model's thinking_display whenever it thinks on the call, chat or Responses", () => {
    const summarized = { model: 'claude-opus-5-5', mode: 'always' as const, display: 'summarized' as const };
    expect(withThinkingDisplay(undefined, chat, summarized)).toEqual({ type: 'adaptive', display: 'summarized' });
    expect(withThinkingDisplay({ type: 'enabled', budget_tokens: 2048 }, chat, { model: 'claude-sonnet-4-5', mode: 'off', display: 'omitted' })).toEqual({ type: 'enabled', budget_tokens: 2048, display: 'omitted' });
    // omitted wins over a summary request: the operator chose speed.
    expect(withThinkingDisplay({ type: 'adaptive' }, summary, { model: 'claude-haiku-5-5', mode: 'off', display: 'omitted' })).toEqual({ type: 'adaptive', display: 'omitted' });
    // Thinking off on the call: nothing to display.
    expect(withThinkingDisplay(undefined, chat, { model: 'claude-haiku-5-5', mode: 'off', display: 'summarized' })).toBeUndefined();
  });
});
