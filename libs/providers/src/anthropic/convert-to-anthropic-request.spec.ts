import type { ChatRequest, ChatTool } from '../../../core/src';
import { convertToAnthropicRequest, DEFAULT_ANTHROPIC_MAX_TOKENS, JSON_OBJECT_INSTRUCTION } from './convert-to-anthropic-request';

const user: ChatRequest['messages'] = [{ role: 'user', content: 'hi' }];
const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
const lookup: ChatTool = { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } };

describe('convertToAnthropicRequest', () => {
  it('maps the sampling parameters', () => {
    expect(
      convertToAnthropicRequest({
        model: 'claude-sonnet-4-20250514',
        messages: [{ role: 'system', content: 'sys' }, ...user],
        max_completion_tokens: 100,
        max_tokens: 50,
        temperature: 0.2,
        top_p: 0.9,
        stop: 'END',
        user: 'user-42',
      }),
    ).toEqual({
      body: {
        model: 'claude-sonnet-4-20250514',
        max_tokens: 100,
        system: [{ type: 'text', text: 'sys' }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
        temperature: 0.2,
        stop_sequences: ['END'],
        metadata: { user_id: 'user-42' },
      },
    });
  });

  it('sends temperature or top_p, and temperature alone when both are set (current Claude models refuse both)', () => {
    const sampling = (extra: Partial<ChatRequest>) => {
      // The SDK's types no longer name them (its API version refuses them); the version the gateway sends takes them.
      const { temperature, top_p } = convertToAnthropicRequest({ model: 'm', messages: user, ...extra }).body as { temperature?: number; top_p?: number };
      return { temperature, top_p };
    };
    expect(sampling({ temperature: 0.2, top_p: 0.9 })).toEqual({ temperature: 0.2, top_p: undefined });
    expect(sampling({ top_p: 0.9 })).toEqual({ temperature: undefined, top_p: 0.9 });
    expect(sampling({ temperature: 0, top_p: null })).toEqual({ temperature: 0, top_p: undefined });
    expect(sampling({ temperature: null, top_p: 0.5 })).toEqual({ temperature: undefined, top_p: 0.5 });
    expect(sampling({})).toEqual({ temperature: undefined, top_p: undefined });
  });

  it("sends OpenAI's end-user id as metadata.user_id: safety_identifier first, then user", () => {
    expect(convertToAnthropicRequest({ model: 'm', messages: user, safety_identifier: 'hash-1', user: 'user-42' }).body.metadata).toEqual({ user_id: 'hash-1' });
    expect(convertToAnthropicRequest({ model: 'm', messages: user, user: 'user-42' }).body.metadata).toEqual({ user_id: 'user-42' });
    expect(convertToAnthropicRequest({ model: 'm', messages: user }).body.metadata).toBeUndefined();
  });

  it('defaults max_tokens and falls back to the legacy max_tokens', () => {
    expect(convertToAnthropicRequest({ model: 'm', messages: user }).body.max_tokens).toBe(DEFAULT_ANTHROPIC_MAX_TOKENS);
    // The model's own limit when it is known, the client's when it sets one.
    expect(convertToAnthropicRequest({ model: 'm', messages: user }, { maxOutputTokens: 64000 }).body.max_tokens).toBe(64000);
    expect(convertToAnthropicRequest({ model: 'm', messages: user, max_completion_tokens: 50 }, { maxOutputTokens: 64000 }).body.max_tokens).toBe(50);
    expect(convertToAnthropicRequest({ model: 'm', messages: user, max_tokens: 12, stop: ['a', 'b'] }).body).toMatchObject({
      max_tokens: 12,
      stop_sequences: ['a', 'b'],
    });
  });

  it('json_object adds a JSON-only system instruction', () => {
    expect(convertToAnthropicRequest({ model: 'm', messages: user, response_format: { type: 'json_object' } }).body.system).toEqual([
      { type: 'text', text: JSON_OBJECT_INSTRUCTION },
    ]);
  });

  it('json_schema on a model older than Claude 4.5 forces a tool named after the schema', () => {
    const { body, jsonTool } = convertToAnthropicRequest({
      model: 'claude-sonnet-4-20250514',
      messages: user,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } },
    });
    expect(jsonTool).toBe('answer');
    expect(body.tools).toEqual([
      { name: 'answer', description: 'Reply with the answer, structured by the "answer" schema.', input_schema: schema },
    ]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'answer' });
  });

  it('json_schema through the tool, with client tools, lets the model call any tool', () => {
    const { body } = convertToAnthropicRequest({
      model: 'claude-sonnet-4-20250514',
      messages: user,
      tools: [lookup],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } },
    });
    expect(body.tools?.map((t) => ('name' in t ? t.name : ''))).toEqual(['lookup', 'answer']);
    expect(body.tool_choice).toEqual({ type: 'any' });
  });

  it('rejects a json_schema named like a client tool when it would be a tool', () => {
    expect(() =>
      convertToAnthropicRequest({ model: 'claude-sonnet-4-20250514', messages: user, tools: [lookup], response_format: { type: 'json_schema', json_schema: { name: 'lookup' } } }),
    ).toThrow(expect.objectContaining({ status: 400, param: 'response_format' }));
  });

  describe('json_schema through structured outputs (output_config.format) on Claude 4.5 and later', () => {
    const format = { type: 'json_schema' as const, json_schema: { name: 'answer', schema, strict: true } };
    const opus = { thinking: 'always' as const, canThink: true };

    it('sends the schema as output_config.format, no tool, and the answer comes back as text', () => {
      for (const model of ['claude-opus-5-5', 'claude-sonnet-4-5', 'claude-haiku-4-5-20251001', 'claude-next']) {
        const { body, jsonTool } = convertToAnthropicRequest({ model, messages: user, response_format: format });
        expect([model, body.output_config]).toEqual([model, { format: { type: 'json_schema', schema } }]);
        expect([jsonTool, body.tools, body.tool_choice]).toEqual([undefined, undefined, undefined]);
      }
    });

    it('sends the same format whether strict is true, false or unset', () => {
      const sent = (strict?: boolean) => convertToAnthropicRequest({ model: 'claude-opus-5-5', messages: user, response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict } } }).body.output_config;
      expect(sent(true)).toEqual({ format: { type: 'json_schema', schema } });
      expect(sent(false)).toEqual(sent(true));
      expect(sent()).toEqual(sent(true));
    });

    it("leaves the client's tools and tool_choice as they are", () => {
      const { body } = convertToAnthropicRequest({ model: 'claude-opus-5-5', messages: user, tools: [lookup], response_format: format }, opus);
      expect(body.tools?.map((t) => ('name' in t ? t.name : ''))).toEqual(['lookup']);
      expect(body).not.toHaveProperty('tool_choice');
      expect(body.output_config).toEqual({ format: { type: 'json_schema', schema } });
      // A tool named like the schema is no conflict: no tool is added.
      const named = convertToAnthropicRequest({ model: 'claude-opus-5-5', messages: user, tools: [lookup], tool_choice: 'auto', response_format: { type: 'json_schema', json_schema: { name: 'lookup', schema } } }, opus).body;
      expect(named.tool_choice).toEqual({ type: 'auto' });
    });

    it('merges the format with the effort of reasoning_effort into one output_config', () => {
      const always = convertToAnthropicRequest({ model: 'claude-opus-5-5', messages: user, reasoning_effort: 'high', response_format: format }, opus).body;
      expect(always.output_config).toEqual({ effort: 'high', format: { type: 'json_schema', schema } });
      const adaptive = convertToAnthropicRequest({ model: 'claude-haiku-5-5', messages: user, reasoning_effort: 'low', response_format: format }, { thinking: 'off', canThink: true }).body;
      expect(adaptive).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'low', format: { type: 'json_schema', schema } } });
      // Claude 4.5: thinking with a budget beside the format (the forced tool could not think).
      const budget = convertToAnthropicRequest({ model: 'claude-sonnet-4-5', messages: user, reasoning_effort: 'low', response_format: format }, { maxOutputTokens: 64000, thinking: 'off', canThink: true }).body;
      expect(budget).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 }, output_config: { format: { type: 'json_schema', schema } } });
    });

    it('uses the tool after a prefill (JSON outputs refuse one), and for a schema outside the subset on a model that takes a forced tool', () => {
      const prefill = convertToAnthropicRequest({ model: 'claude-sonnet-4-5', messages: [...user, { role: 'assistant', content: '{' }], response_format: format });
      expect([prefill.jsonTool, prefill.body.output_config]).toEqual(['answer', undefined]);
      const map = { type: 'json_schema' as const, json_schema: { name: 'answer', schema: { type: 'object', additionalProperties: { type: 'number' } } } };
      const haiku = convertToAnthropicRequest({ model: 'claude-haiku-5-5', messages: user, response_format: map }, { thinking: 'off' });
      expect([haiku.jsonTool, haiku.body.tool_choice, haiku.body.output_config]).toEqual(['answer', { type: 'tool', name: 'answer' }, undefined]);
    });

    it('refuses a schema outside the subset on a model that always thinks (it refuses a forced tool), on response_format', () => {
      const map = { type: 'json_schema' as const, json_schema: { name: 'answer', schema: { type: 'object', additionalProperties: { type: 'number' } } } };
      expect(() => convertToAnthropicRequest({ model: 'claude-opus-5-5', messages: user, response_format: map }, opus)).toThrow(
        expect.objectContaining({ status: 400, param: 'response_format', code: 'unsupported_parameter', message: expect.stringContaining('is a map') }),
      );
    });
  });

  describe('reasoning_effort', () => {
    const sonnet4 = { maxOutputTokens: 64000, thinking: 'off' as const, canThink: true };
    const ask = (extra: Partial<ChatRequest>): ChatRequest => ({ model: 'claude-sonnet-4-20250514', messages: user, ...extra });
    const toolCall: ChatRequest['messages'][number] = {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 't1', type: 'function', function: { name: 'lookup', arguments: '{}' } }],
    };
    const thought = { type: 'thinking', thinking: 'Look it up.', signature: 'sig' };
    const cycle = (assistant: ChatRequest['messages'][number]): ChatRequest['messages'] => [...user, assistant, { role: 'tool', tool_call_id: 't1', content: '42' }];

    it("turns Claude's thinking on with a budget under the model's output limit", () => {
      const { body } = convertToAnthropicRequest(ask({ reasoning_effort: 'medium' }), sonnet4);
      expect(body).toMatchObject({ max_tokens: 64000, thinking: { type: 'enabled', budget_tokens: 8192 } });
      expect(body).not.toHaveProperty('output_config');
      expect(convertToAnthropicRequest(ask({ reasoning_effort: 'high', max_completion_tokens: 3000 }), sonnet4).body).toMatchObject({ max_tokens: 3000, thinking: { budget_tokens: 2999 } });
      expect(convertToAnthropicRequest(ask({ reasoning_effort: 'none' }), sonnet4).body).not.toHaveProperty('thinking');
    });

    it('sends adaptive thinking and the effort to Claude 4.6 and later, the effort alone to one that always thinks', () => {
      expect(convertToAnthropicRequest({ ...ask({ reasoning_effort: 'low' }), model: 'claude-haiku-5-5' }, sonnet4).body).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'low' } });
      const opus = convertToAnthropicRequest({ ...ask({ reasoning_effort: 'minimal' }), model: 'claude-opus-5-5' }, { thinking: 'always', canThink: true }).body;
      expect(opus.output_config).toEqual({ effort: 'low' });
      expect(opus).not.toHaveProperty('thinking');
    });

    it('refuses it on a model that cannot think', () => {
      expect(() => convertToAnthropicRequest(ask({ reasoning_effort: 'low' }), { thinking: 'off', canThink: false })).toThrow(
        expect.objectContaining({ status: 400, param: 'reasoning_effort', code: 'unsupported_parameter' }),
      );
    });

    it('refuses it beside a forced tool call or a json_schema answer, which Claude 4.5 and older cannot think with', () => {
      for (const extra of [{ tools: [lookup], tool_choice: 'required' as const }, { response_format: { type: 'json_schema' as const, json_schema: { name: 'answer', schema } } }]) {
        expect(() => convertToAnthropicRequest(ask({ reasoning_effort: 'low', ...extra }), sonnet4)).toThrow(expect.objectContaining({ param: 'reasoning_effort', code: 'unsupported_parameter' }));
      }
    });

    it("sends the thinking a client echoed back to a model whose thinking is off when it thinks on this call", () => {
      const messages = cycle({ ...toolCall, thinking_blocks: [thought] } as ChatRequest['messages'][number]);
      const on = convertToAnthropicRequest(ask({ messages, tools: [lookup], reasoning_effort: 'low' }), sonnet4).body;
      expect(on.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
      expect(on.messages[1].content).toEqual([thought, { type: 'tool_use', id: 't1', name: 'lookup', input: {} }]);
      const off = convertToAnthropicRequest(ask({ messages, tools: [lookup] }), sonnet4).body;
      expect(off.messages[1].content).toEqual([{ type: 'tool_use', id: 't1', name: 'lookup', input: {} }]);
    });

    it('keeps thinking off for tool results whose assistant turn has no thinking (the cycle began without it)', () => {
      const { body } = convertToAnthropicRequest(ask({ messages: cycle(toolCall), tools: [lookup], reasoning_effort: 'high' }), sonnet4);
      expect(body).not.toHaveProperty('thinking');
    });
  });
});
