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
    expect(convertToAnthropicRequest({ model: 'm', messages: user }, 64000).body.max_tokens).toBe(64000);
    expect(convertToAnthropicRequest({ model: 'm', messages: user, max_completion_tokens: 50 }, 64000).body.max_tokens).toBe(50);
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

  it('json_schema forces a tool named after the schema', () => {
    const { body, jsonTool } = convertToAnthropicRequest({
      model: 'm',
      messages: user,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } },
    });
    expect(jsonTool).toBe('answer');
    expect(body.tools).toEqual([
      { name: 'answer', description: 'Reply with the answer, structured by the "answer" schema.', input_schema: schema },
    ]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'answer' });
  });

  it('json_schema with client tools lets the model call any tool', () => {
    const { body } = convertToAnthropicRequest({
      model: 'm',
      messages: user,
      tools: [lookup],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } },
    });
    expect(body.tools?.map((t) => ('name' in t ? t.name : ''))).toEqual(['lookup', 'answer']);
    expect(body.tool_choice).toEqual({ type: 'any' });
  });

  it('rejects a json_schema named like a client tool', () => {
    expect(() =>
      convertToAnthropicRequest({ model: 'm', messages: user, tools: [lookup], response_format: { type: 'json_schema', json_schema: { name: 'lookup' } } }),
    ).toThrow(expect.objectContaining({ status: 400, param: 'response_format' }));
  });
});
