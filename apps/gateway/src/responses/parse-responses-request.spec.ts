import { GatewayError } from '../../../../libs/core/src';
import { parseResponsesRequest } from './parse-responses-request';

/** The error a body is refused with, as the client reads it. */
function refusal(body: unknown): { status: number; param: string | null; code: string | null; message: string } {
  try {
    parseResponsesRequest(body);
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    return { status: err.status, param: err.param, code: err.code, message: err.message };
  }
  throw new Error('expected the body to be refused');
}

describe('parseResponsesRequest', () => {
  it('takes a string input and the served parameters as they are', () => {
    const body = { model: 'auto', input: 'Hi', instructions: 'Be brief', max_output_tokens: 50, temperature: 0.2, top_p: 0.9, metadata: { tier: 'pro' }, user: 'u1', stream: true, store: true };
    expect(parseResponsesRequest(body)).toEqual(body);
  });

  it('gives a message item without `type` the type message, and keeps the other items', () => {
    const parsed = parseResponsesRequest({
      model: 'm',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'Weather?' }] },
        { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{}', id: 'fc_1', status: 'completed' },
        { type: 'function_call_output', call_id: 'c1', output: 'sunny' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Sunny.', annotations: [] }], id: 'msg_1', status: 'completed' },
      ],
    });
    expect(typeof parsed.input === 'object' && parsed.input.map((item) => item.type)).toEqual(['message', 'function_call', 'function_call_output', 'message']);
  });

  it.each([
    ['previous_response_id', { previous_response_id: 'resp_1' }],
    ['conversation', { conversation: 'conv_1' }],
    ['conversation', { conversation: { id: 'conv_1' } }],
    ['prompt', { prompt: { id: 'pmpt_1' } }],
    ['background', { background: true }],
    ['top_logprobs', { top_logprobs: 3 }],
  ])('refuses %s, which needs what a stateless gateway does not keep or serve, naming it', (param, extra) => {
    expect(refusal({ model: 'm', input: 'x', ...extra })).toMatchObject({ status: 400, param, code: 'unsupported_parameter' });
  });

  it('accepts the stateful fields when they say nothing (null, background false)', () => {
    expect(() => parseResponsesRequest({ model: 'm', input: 'x', previous_response_id: null, conversation: null, background: false })).not.toThrow();
  });

  it('refuses an unknown parameter as OpenAI does, rather than dropping it', () => {
    expect(refusal({ model: 'm', input: 'x', messages: [] })).toEqual({ status: 400, param: 'messages', code: 'unknown_parameter', message: "Unknown parameter: 'messages'." });
  });

  it.each([
    [{ input: 'x' }, 'model', 'missing_required_parameter'],
    [{ model: 'm' }, 'input', 'missing_required_parameter'],
    [{ model: 'm', input: 7 }, 'input', 'invalid_value'],
    [{ model: 'm', input: [] }, 'input', 'invalid_value'],
    [{ model: 'm', input: ['hi'] }, 'input[0]', 'invalid_type'],
    [{ model: 'm', input: [{ type: 'reasoning', id: 'rs_1' }] }, 'input[0].summary', 'missing_required_parameter'],
    [{ model: 'm', input: [{ type: 'reasoning', summary: [{ type: 'summary_text' }] }] }, 'input[0].summary[0].text', 'missing_required_parameter'],
    [{ model: 'm', input: [{ type: 'reasoning', summary: [], encrypted_content: 7 }] }, 'input[0].encrypted_content', 'invalid_value'],
    [{ model: 'm', input: 'x', reasoning: { summary: 'brief' } }, 'reasoning.summary', 'invalid_value'],
    [{ model: 'm', input: 'x', reasoning: { generate_summary: true } }, 'reasoning.generate_summary', 'invalid_value'],
    [{ model: 'm', input: [{ type: 'web_search_call', id: 'ws_1' }] }, 'input[0].type', 'invalid_value'],
    [{ model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type', 'invalid_value'],
    [{ model: 'm', input: [{ role: 'tool', content: 'x' }] }, 'input[0].role', 'invalid_value'],
    [{ model: 'm', input: [{ role: 'user' }] }, 'input[0].content', 'missing_required_parameter'],
    [{ model: 'm', input: [{ role: 'assistant', content: [{ type: 'input_image', image_url: 'x' }] }] }, 'input[0].content[0].type', 'invalid_value'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_text', text: 'a' }, { type: 'input_file', file_id: 'file_1' }] }] }, 'input[0].content[1].file_id', 'invalid_value'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_file', file_url: 'https://x/a.pdf', file_data: 'data:application/pdf;base64,AA' }] }] }, 'input[0].content[0].file_url', 'invalid_value'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_file', filename: 'a.pdf' }] }] }, 'input[0].content[0].file_data', 'missing_required_parameter'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_file', file_data: 'JVBERi0x' }] }] }, 'input[0].content[0].file_data', 'invalid_value'],
    [{ model: 'm', input: [{ role: 'system', content: [{ type: 'input_file', file_data: 'data:application/pdf;base64,AA' }] }] }, 'input[0].content[0].type', 'invalid_value'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_text' }] }] }, 'input[0].content[0].text', 'missing_required_parameter'],
    [{ model: 'm', input: [{ role: 'user', content: 42 }] }, 'input[0].content', 'invalid_value'],
    [{ model: 'm', input: [{ role: 'system', content: [{ type: 'input_image', image_url: 'https://x/a.png' }] }] }, 'input[0].content[0].type', 'invalid_value'],
    [{ model: 'm', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id', 'missing_required_parameter'],
    [{ model: 'm', input: [{ type: 'function_call_output', call_id: 'c', output: 3 }] }, 'input[0].output', 'invalid_value'],
    [{ model: 'm', input: 'x', tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] }, 'tools[0].type', 'unsupported_value'],
    [{ model: 'm', input: 'x', tools: [{ name: 'f' }] }, 'tools[0].type', 'missing_required_parameter'],
    [{ model: 'm', input: 'x', tools: [{ type: 'function', name: 'bad name' }] }, 'tools[0].name', 'invalid_value'],
    [{ model: 'm', input: 'x', tool_choice: { type: 'function', name: 'f' } }, 'tool_choice', 'invalid_value'],
    [{ model: 'm', input: 'x', text: { format: { type: 'json_schema', schema: {} } } }, 'text.format.name', 'missing_required_parameter'],
    [{ model: 'm', input: 'x', temperature: 3 }, 'temperature', 'invalid_value'],
    [{ model: 'm', input: 'x', max_output_tokens: 0 }, 'max_output_tokens', 'invalid_value'],
  ])('refuses %j with a 400 naming %s', (body, param, code) => {
    expect(refusal(body)).toMatchObject({ status: 400, param, code });
  });

  it('refuses a tool choice naming no declared tool', () => {
    const tools = [{ type: 'function', name: 'a', parameters: {}, strict: null }];
    expect(refusal({ model: 'm', input: 'x', tools, tool_choice: { type: 'function', name: 'b' } })).toMatchObject({ status: 400, param: 'tool_choice' });
    expect(refusal({ model: 'm', input: 'x', tools, tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'b' }] } })).toMatchObject({ param: 'tool_choice' });
    expect(() => parseResponsesRequest({ model: 'm', input: 'x', tools, tool_choice: { type: 'function', name: 'a' } })).not.toThrow();
  });

  it('refuses a body that is not an object', () => {
    expect(refusal([1])).toMatchObject({ status: 400, code: 'invalid_body' });
  });
});
