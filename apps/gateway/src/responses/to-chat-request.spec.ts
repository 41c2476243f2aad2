import { parseChatRequest } from '../chat/parse-chat-request';
import { parseResponsesRequest } from './parse-responses-request';
import { toChatRequest } from './to-chat-request';

const translate = (body: Record<string, unknown>) => toChatRequest(parseResponsesRequest(body)).request;

describe('toChatRequest', () => {
  it('asks for the same answer in Chat Completions terms', () => {
    const chat = translate({
      model: 'auto',
      instructions: 'Answer in JSON.',
      input: 'A city?',
      tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object' }, strict: false }],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      text: { format: { type: 'json_object' }, verbosity: 'low' },
      max_output_tokens: 300,
      temperature: 0.5,
      top_p: 0.8,
      metadata: { tags: 'batch' },
      user: 'u-1',
      reasoning: { effort: 'low', summary: 'auto' },
      stream: true,
      x_router: { retries: 0 },
    });
    expect(chat).toEqual({
      model: 'auto',
      messages: [
        { role: 'system', content: 'Answer in JSON.' },
        { role: 'user', content: 'A city?' },
      ],
      stream: true,
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' }, strict: false } }],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      response_format: { type: 'json_object' },
      verbosity: 'low',
      max_completion_tokens: 300,
      temperature: 0.5,
      top_p: 0.8,
      metadata: { tags: 'batch' },
      user: 'u-1',
      reasoning_effort: 'low',
      x_router: { retries: 0 },
    });
    // What comes out is a chat request the chat route takes.
    expect(() => parseChatRequest(chat)).not.toThrow();
  });

  it('passes on nothing the Responses API accepts and ignores: store, include, truncation, stream_options', () => {
    const chat = translate({ model: 'm', input: 'x', store: true, include: ['reasoning.encrypted_content'], truncation: 'auto', stream_options: { include_obfuscation: false } });
    expect(chat).toEqual({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
  });

  it('leaves out an empty tool list (no tools to the Responses API, refused by chat) and a tool choice without tools', () => {
    expect(translate({ model: 'm', input: 'x', tools: [], tool_choice: 'none' })).toEqual({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
  });

  it('leaves out null settings rather than sending them upstream', () => {
    expect(translate({ model: 'm', input: 'x', temperature: null, top_p: null, max_output_tokens: null, metadata: null, instructions: null })).toEqual({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
  });
});
