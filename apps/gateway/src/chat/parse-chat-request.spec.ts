import { GatewayError } from '../../../../libs/core/src';
import { parseChatRequest } from './parse-chat-request';

function errorOf(body: unknown): GatewayError {
  try {
    parseChatRequest(body);
  } catch (err) {
    return err as GatewayError;
  }
  throw new Error('expected an error');
}

describe('parseChatRequest', () => {
  it('accepts a valid request and keeps unknown fields for the adapter', () => {
    const request = parseChatRequest({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], logprobs: true });
    expect(request).toMatchObject({ model: 'auto', logprobs: true });
  });

  it('names a missing parameter', () => {
    const err = errorOf({ model: 'auto' });
    expect(err.status).toBe(400);
    expect(err.toBody()).toEqual({ error: { message: "Missing required parameter: 'messages'.", type: 'invalid_request_error', param: 'messages', code: 'missing_required_parameter' } });
  });

  it('points at the wrong field with its path', () => {
    expect(errorOf({ model: 'auto', messages: [{ role: 'user', content: 'x' }], temperature: 'hot' }).param).toBe('temperature');
    expect(errorOf({ model: 'auto', messages: [{ role: 'user', content: 5 }] }).param).toBe('messages[0].content');
    expect(errorOf({ model: 'auto', messages: [{ role: 'wizard', content: 'x' }] }).param).toBe('messages[0].role');
    expect(errorOf({ model: 'auto', messages: [] }).param).toBe('messages');
  });

  it('rejects a body that is not an object', () => {
    expect(errorOf([1, 2]).code).toBe('invalid_body');
    expect(errorOf('text').status).toBe(400);
  });

  it('refuses tool_choice without tools, and an empty tools array, as OpenAI does', () => {
    const messages = [{ role: 'user', content: 'x' }];
    const lone = errorOf({ model: 'auto', messages, tool_choice: 'auto' });
    expect(lone.toBody()).toEqual({
      error: { message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", type: 'invalid_request_error', param: 'tool_choice', code: 'invalid_value' },
    });
    expect(errorOf({ model: 'auto', messages, tool_choice: { type: 'function', function: { name: 'f' } } }).param).toBe('tool_choice');
    const empty = errorOf({ model: 'auto', messages, tools: [] });
    expect([empty.status, empty.param, empty.code]).toEqual([400, 'tools', 'empty_array']);
    const tool = { type: 'function', function: { name: 'f', parameters: { type: 'object' } } };
    expect(parseChatRequest({ model: 'auto', messages, tools: [tool], tool_choice: 'required' })).toMatchObject({ tool_choice: 'required' });
  });
});
