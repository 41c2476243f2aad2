import type { ModelSpec, PromptTemplateSpec } from '../../config/src';
import type { ChatRequest } from '../../core/src';
import { adaptRequest, promptTemplateFor } from './adapt-request';
import { addJsonReminder, appendToLastUser, DEFAULT_JSON_REMINDER, replaceText, systemToUser } from './prompt-transforms';

const model = (template?: PromptTemplateSpec): ModelSpec => ({ id: 'tiny', providerId: 'p', upstream: 'tiny-upstream', inputPer1M: 1, outputPer1M: 1, contextWindow: 1000, timeouts: {}, ...(template ? { promptTemplate: template } : {}) });
const base: ChatRequest = {
  model: 'auto',
  messages: [
    { role: 'system', content: 'You are a helpful assistant for ACME. Always be polite and thorough.' },
    { role: 'user', content: 'Hello' },
    { role: 'assistant', content: 'Hi!' },
    { role: 'user', content: [{ type: 'text', text: 'List two colours.' }] },
  ],
};

describe('adaptRequest', () => {
  it('only renames the model when the model has no template', () => {
    const adapted = adaptRequest(base, model());
    expect(adapted).toEqual({ request: { ...base, model: 'tiny-upstream' }, promptTemplate: null });
    expect(promptTemplateFor(model())).toBeNull();
  });

  it('renders the system template with the client system prompt and the model id, then runs the transforms', () => {
    const template: PromptTemplateSpec = { name: 'small-brief', system: 'Model {{model}}. Be brief.\n{{ system }}', transforms: [{ type: 'append_to_last_user', text: 'One line.' }] };
    const adapted = adaptRequest(base, model(template));
    expect(adapted.promptTemplate).toBe('small-brief');
    expect(adapted.request.messages).toEqual([
      { role: 'system', content: 'Model tiny. Be brief.\nYou are a helpful assistant for ACME. Always be polite and thorough.' },
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hi!' },
      { role: 'user', content: [{ type: 'text', text: 'List two colours.' }, { type: 'text', text: 'One line.' }] },
    ]);
    // The client's request object is left as it was.
    expect(base.messages[0]).toEqual({ role: 'system', content: 'You are a helpful assistant for ACME. Always be polite and thorough.' });
    expect(promptTemplateFor(model(template))).toBe('small-brief');
  });

  it('drops the system prompt when the template renders empty', () => {
    const adapted = adaptRequest(base, model({ name: 'none', system: '', transforms: [] }));
    expect(adapted.request.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  });
});

describe('prompt transforms', () => {
  it('adds a JSON reminder with the schema only when the request asks for JSON', () => {
    expect(addJsonReminder(base)).toBe(base.messages);
    const withSchema = { ...base, response_format: { type: 'json_schema' as const, json_schema: { name: 'c', schema: { type: 'object', properties: { a: { type: 'string' } } } } } };
    expect(addJsonReminder(withSchema)[0]).toEqual({
      role: 'system',
      content: `You are a helpful assistant for ACME. Always be polite and thorough.\n\n${DEFAULT_JSON_REMINDER} It must match this JSON schema: {"type":"object","properties":{"a":{"type":"string"}}}`,
    });
    const noSystem = { model: 'm', messages: [{ role: 'user' as const, content: 'x' }], response_format: { type: 'json_object' as const } };
    expect(addJsonReminder(noSystem, 'JSON only.')).toEqual([{ role: 'system', content: 'JSON only.' }, { role: 'user', content: 'x' }]);
  });

  it('folds the system prompt into the first user message', () => {
    expect(systemToUser(base.messages)).toEqual([
      { role: 'user', content: 'You are a helpful assistant for ACME. Always be polite and thorough.\n\nHello' },
      { role: 'assistant', content: 'Hi!' },
      { role: 'user', content: [{ type: 'text', text: 'List two colours.' }] },
    ]);
  });

  it('appends to the last user message, and keeps it on each user message a turn with thinking blocks answered (Anthropic binds them to their prefix)', () => {
    const thinking = [{ type: 'thinking' as const, thinking: 'Hmm.', signature: 'sig' }];
    const call = { id: 'c1', type: 'function' as const, function: { name: 'f', arguments: '{}' } };
    const messages = [
      { role: 'system', content: 's' },
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: null, tool_calls: [call], thinking_blocks: thinking },
      { role: 'tool', tool_call_id: 'c1', content: '18' },
      { role: 'assistant', content: 'It is 18.', thinking_blocks: thinking },
      { role: 'user', content: [{ type: 'text', text: 'q2' }] },
      { role: 'assistant', content: 'No thinking here.' },
      { role: 'user', content: 'q3' },
    ] as ChatRequest['messages'];
    expect(appendToLastUser(messages, 'R').map((m) => m.content)).toEqual([
      's',
      'q1\n\nR',
      null,
      '18',
      'It is 18.',
      [{ type: 'text', text: 'q2' }],
      'No thinking here.',
      'q3\n\nR',
    ]);
    // Signed reasoning_details count as thinking too, as the Anthropic adapter sends them back.
    const details = [{ role: 'user', content: 'q1' }, { role: 'assistant', content: 'A', reasoning_details: [{ type: 'reasoning.text', text: 'Hmm.', signature: 'sig' }] }, { role: 'user', content: 'q2' }] as ChatRequest['messages'];
    expect(appendToLastUser(details, 'R').map((m) => m.content)).toEqual(['q1\n\nR', 'A', 'q2\n\nR']);
  });

  it('appends to the last user message and replaces text in the chosen roles only', () => {
    expect(appendToLastUser([{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }], 'c')).toEqual([{ role: 'user', content: 'a' }, { role: 'user', content: 'b\n\nc' }]);
    const replaced = replaceText(base.messages, /Always be polite and thorough\./g, 'Be short.', ['system']);
    expect(replaced[0]).toEqual({ role: 'system', content: 'You are a helpful assistant for ACME. Be short.' });
    expect(replaced.slice(1)).toEqual(base.messages.slice(1));
  });
});
