import { GatewayError, REASONING_SUMMARY, type ChatRequest, type ChatRequestMarks, type ChatResponse } from '../../../../libs/core/src';
import { responsesFormat, responsesParamName } from './responses-format';

describe('responsesFormat', () => {
  it('reads a Responses body as the chat request, and answers it in the Responses format', () => {
    const format = responsesFormat();
    const request = format.read({ model: 'auto', input: 'Hi', max_output_tokens: 20 });
    expect(request).toEqual({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }], max_completion_tokens: 20 });
    const completion = { id: 'resp_1', object: 'chat.completion', created: 1, model: 'cheap', choices: [{ index: 0, message: { role: 'assistant', content: 'Hello', refusal: null }, logprobs: null, finish_reason: 'stop' }] } as ChatResponse;
    expect(format.answer(request).body(completion, 5)).toMatchObject({ id: 'resp_1', object: 'response', created_at: 5, max_output_tokens: 20, output: [{ type: 'message', content: [{ text: 'Hello' }] }] });
  });

  it('marks the chat request when the body asks for a reasoning summary (an adapter may have to ask its provider for one), and only then', () => {
    for (const reasoning of [{ summary: 'auto' }, { generate_summary: 'concise' }, { effort: 'low', summary: 'detailed' }]) {
      const request: ChatRequest & ChatRequestMarks = responsesFormat().read({ model: 'auto', input: 'Hi', reasoning });
      expect([reasoning, request[REASONING_SUMMARY]]).toEqual([reasoning, true]);
    }
    const unasked: ChatRequest & ChatRequestMarks = responsesFormat().read({ model: 'auto', input: 'Hi', reasoning: { effort: 'low' } });
    expect(unasked[REASONING_SUMMARY]).toBeUndefined();
    // A symbol key: never in the JSON an upstream is sent.
    expect(JSON.stringify(responsesFormat().read({ model: 'auto', input: 'Hi', reasoning: { summary: 'auto' } }))).not.toContain('summary');
  });

  it('refuses a bad body before anything is translated', () => {
    expect(() => responsesFormat().read({ model: 'auto', input: 'x', previous_response_id: 'resp_0' })).toThrow(GatewayError);
  });

  it('names the Responses parameter in an error about the chat request it read: in validation, and in any error after', () => {
    const format = responsesFormat();
    const body = { model: 'auto', input: [{ role: 'user', content: 'Hi' }, { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' }, { type: 'function_call_output', call_id: 'c1', output: [] }] };
    let refused: unknown;
    try {
      format.read(body);
    } catch (err) {
      refused = err;
    }
    // Chat takes no empty tool content; its error named messages[2].content.
    expect(refused).toMatchObject({ status: 400, param: 'messages[2].content' });
    expect(format.error!(refused as GatewayError)).toMatchObject({ status: 400, param: 'input[2].output', message: expect.stringContaining("'input[2].output'") });
    const routing = GatewayError.invalidRequest('This request needs structured output (response_format json_schema), but no.', 'response_format', 'unsupported_capability');
    expect(format.error!(routing)).toMatchObject({ param: 'text.format', message: 'This request needs structured output (text.format json_schema), but no.', code: 'unsupported_capability' });
  });

  it("leaves an error about the Responses body itself as it is: 'messages' or 'max_tokens' sent to it are its own unknown parameters", () => {
    for (const name of ['messages', 'max_tokens']) {
      const format = responsesFormat();
      let refused: unknown;
      try {
        format.read({ model: 'auto', input: 'x', [name]: 1 });
      } catch (err) {
        refused = err;
      }
      expect(format.error!(refused as GatewayError)).toMatchObject({ param: name, code: 'unknown_parameter', message: `Unknown parameter: '${name}'.` });
    }
  });

  it('cannot answer a request it has not read', () => {
    expect(() => responsesFormat().answer({ model: 'auto', messages: [] })).toThrow('answer() before read()');
  });

  it("names a chat parameter by the Responses API's name (x-router-ignored-params), the rest as they are", () => {
    expect(['max_completion_tokens', 'max_tokens', 'reasoning_effort', 'verbosity', 'temperature', 'top_p'].map(responsesParamName)).toEqual([
      'max_output_tokens',
      'max_output_tokens',
      'reasoning.effort',
      'text.verbosity',
      'temperature',
      'top_p',
    ]);
  });
});
