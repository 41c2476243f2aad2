import { GatewayError } from '../../../../libs/core/src';
import { MISSING_THINKING_ADVICE, MISSING_THINKING_WHAT, MissingThinkingError } from '../routing/tool-turn-without-thinking';
import { parseResponsesRequest } from './parse-responses-request';
import { encodeThinkingBlocks } from './reasoning-encrypted-content';
import { toResponsesError, toResponsesParam } from './responses-error';
import { toChatRequest } from './to-chat-request';

const blocks = [{ type: 'redacted_thinking' as const, data: 'EmwKAhgB' }];
const call = (id: string) => ({ type: 'function_call', call_id: id, name: 'weather', arguments: '{}' });

/** The origins of a real translation: what the chat request's messages came from. */
const originsOf = (body: Record<string, unknown>) => toChatRequest(parseResponsesRequest({ model: 'm', ...body })).origins;

describe('toResponsesParam', () => {
  const origins = originsOf({
    instructions: 'Be brief',
    input: [
      { role: 'user', content: [{ type: 'input_text', text: 'Weather?' }, { type: 'input_image', image_url: 'ftp://x/cat.png', detail: 'low' }] }, // 0 -> messages[1]
      { type: 'reasoning', summary: [], encrypted_content: encodeThinkingBlocks(blocks) }, // 1
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] }, // 2 -> messages[2]
      call('c1'), // 3 -> messages[2].tool_calls[0]
      call('c2'), // 4 -> messages[2].tool_calls[1]
      { type: 'function_call_output', call_id: 'c1', output: '18' }, // 5 -> messages[3]
      { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: '9' }] }, // 6 -> messages[4]
      call('c3'), // 7 -> messages[5], an assistant message of function calls alone
      call('c4'), // 8 -> messages[5].tool_calls[1]
    ],
  });

  it('names the instructions and each message by the item that made it', () => {
    expect(['messages[0]', 'messages[0].content', 'messages[1]', 'messages[3]', 'messages[5]', 'messages[9]', 'messages'].map((p) => toResponsesParam(p, origins))).toEqual([
      'instructions',
      'instructions',
      'input[0]',
      'input[5]',
      'input[7]',
      'input',
      'input',
    ]);
    expect(toResponsesParam('messages[0].content', originsOf({ input: 'Hi' }))).toBe('input');
  });

  it("names a part of a message by its Responses field, in the item that gave it", () => {
    expect(
      [
        'messages[1].content',
        'messages[1].content[1]',
        'messages[1].content[1].image_url.url',
        'messages[1].content[1].image_url.detail',
        'messages[1].content[0].text',
        'messages[1].role',
        'messages[2].content',
        'messages[2].refusal',
        'messages[2].tool_calls[1]',
        'messages[2].tool_calls[1].id',
        'messages[2].tool_calls[0].function.name',
        'messages[2].tool_calls[1].function.arguments',
        'messages[2].thinking_blocks[0]',
        'messages[2].thinking_blocks',
        'messages[3].content',
        'messages[3].tool_call_id',
        'messages[4].content[0].text',
        'messages[5].content',
        'messages[5].tool_calls[1].function.arguments',
        'messages[5].tool_calls[7]',
        'messages[5].thinking_blocks',
      ].map((p) => toResponsesParam(p, origins)),
    ).toEqual([
      'input[0].content',
      'input[0].content[1]',
      'input[0].content[1].image_url',
      'input[0].content[1].detail',
      'input[0].content[0].text',
      'input[0].role',
      'input[2].content',
      'input[2].content',
      'input[4]',
      'input[4].call_id',
      'input[3].name',
      'input[4].arguments',
      'input[1].encrypted_content',
      'input[1].encrypted_content',
      'input[5].output',
      'input[5].call_id',
      'input[6].output[0].text',
      'input[7]',
      'input[8].arguments',
      'input[7]',
      'input[7]',
    ]);
  });

  it('names the other parameters the Responses API names otherwise, and leaves the rest', () => {
    expect(
      [
        'max_tokens',
        'max_completion_tokens',
        'reasoning_effort',
        'verbosity',
        'response_format',
        'response_format.type',
        'response_format.json_schema',
        'response_format.json_schema.schema',
        'tools[2].function.parameters',
        'tools[2].function',
        'tools[2].type',
        'tool_choice.function.name',
        'tool_choice.allowed_tools.tools[1].function.name',
        'tool_choice.allowed_tools.mode',
        'temperature',
        'x_router.fallbacks',
        'model',
      ].map((p) => toResponsesParam(p, [])),
    ).toEqual([
      'max_output_tokens',
      'max_output_tokens',
      'reasoning.effort',
      'text.verbosity',
      'text.format',
      'text.format.type',
      'text.format',
      'text.format.schema',
      'tools[2].parameters',
      'tools[2]',
      'tools[2].type',
      'tool_choice.name',
      'tool_choice.tools[1].name',
      'tool_choice.mode',
      'temperature',
      'x_router.fallbacks',
      'model',
    ]);
  });
});

describe('toResponsesError', () => {
  const origins = originsOf({ input: [{ role: 'user', content: 'Weather?' }, call('c1'), { type: 'function_call_output', call_id: 'c1', output: '18' }] });

  it('rewrites the param and every chat parameter the message names, keeping status, type and code', () => {
    const error = new GatewayError(400, "Invalid value for 'messages[1].tool_calls[0].function.arguments': must be JSON; see max_tokens and response_format.json_schema.name.", 'invalid_request_error', 'invalid_value', 'messages[1].tool_calls[0].function.arguments', 3);
    expect(toResponsesError(error, origins)).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_value',
      param: 'input[1].arguments',
      message: "Invalid value for 'input[1].arguments': must be JSON; see max_output_tokens and text.format.name.",
      retryAfterSeconds: 3,
    });
  });

  it("words the missing-thinking 400 for a Responses client: param and message name the turn's first item, reasoning items to send back", () => {
    const error = new MissingThinkingError(`messages[1] ${MISSING_THINKING_WHAT}, and model "opus5" always thinks. ${MISSING_THINKING_ADVICE}; more.`, 1);
    expect([error.status, error.code, error.param]).toEqual([400, 'missing_thinking_blocks', 'messages']);
    const mapped = toResponsesError(error, origins);
    expect([mapped.status, mapped.type, mapped.code, mapped.param]).toEqual([400, 'invalid_request_error', 'missing_thinking_blocks', 'input[1]']);
    expect(mapped.message).toBe(
      "input[1] begins a turn with function calls but comes without the reasoning item they were made with (its encrypted_content), and model \"opus5\" always thinks. Send the response's output items back as you received them, reasoning items included; more.",
    );
  });

  it('names the function_call item that opens a turn of calls alone, after a message and its output', () => {
    const later = originsOf({ input: [{ role: 'user', content: 'Weather?' }, call('c1'), { type: 'function_call_output', call_id: 'c1', output: '18' }, { role: 'user', content: 'And Paris?' }, call('c2'), { type: 'function_call_output', call_id: 'c2', output: '9' }] });
    // messages: user, assistant(c1), tool, user, assistant(c2), tool.
    expect(toResponsesError(new MissingThinkingError(`messages[4] ${MISSING_THINKING_WHAT}.`, 4), later).param).toBe('input[4]');
  });

  it("leaves prose alone: a bare 'messages' word, a quoted one becomes 'input'", () => {
    const error = GatewayError.invalidRequest("Too many messages in 'messages'.", 'messages', 'x');
    expect(toResponsesError(error, origins).message).toBe("Too many messages in 'input'.");
  });

  it('returns an error that names no chat parameter as it is', () => {
    const error = new GatewayError(502, 'Model "m" failed upstream.', 'api_error', 'upstream_error');
    expect(toResponsesError(error, origins)).toBe(error);
    const named = GatewayError.invalidRequest("Invalid value for 'input[0].type'.", 'input[0].type');
    expect(toResponsesError(named, origins)).toBe(named);
  });
});
