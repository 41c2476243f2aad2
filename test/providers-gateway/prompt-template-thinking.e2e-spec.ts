import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { startFakeAnthropic, type FakeUpstream } from '../fakes/fake-anthropic.server';
import { startStack, type Stack } from '../support/stack';

/**
 * Prompt templates (docs/providers.md, Prompt adaptation) on a model with preserved thinking (Opus 5.5):
 * Anthropic refuses a thinking block sent back after a prefix (system, tools, earlier messages) other
 * than the one it was made after, and the fake does the same. A template rewrites each request the
 * same way, so a rewrite of a message that never moves (a system template, `replace` in any role,
 * `system_to_user`) gives every turn the same prefix; `append_to_last_user` follows the last user
 * message, so the message it was on when a block was made must keep it.
 */
describe('prompt templates and Claude thinking blocks across turns', () => {
  let anthropic: FakeUpstream;
  let stack: Stack;

  const tools: ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }];

  beforeAll(async () => {
    anthropic = await startFakeAnthropic();
    const yaml = `
providers:
  - { id: claude, preset: anthropic, base_url: "${anthropic.url}" }
models:
  - { id: opus-appended, catalog: claude-opus-5-5 }
  - { id: opus-rewritten, catalog: claude-opus-5-5 }
  - { id: opus-plain, catalog: claude-opus-5-5 }
prompt_templates:
  - name: reminder
    models: [opus-appended]
    transforms:
      - { type: append_to_last_user, text: "Answer in metric units." }
  - name: rewritten
    models: [opus-rewritten]
    system: "Be brief. {{system}}"
    transforms:
      - { type: replace, pattern: "weather", with: "forecast", roles: [system, user, assistant] }
      - { type: system_to_user }
`;
    stack = await startStack({ yaml, queue: 'in-process', env: { ANTHROPIC_API_KEY: 'sk-ant-test' } });
  });
  afterAll(async () => {
    await stack.close();
    await anthropic.close();
  });

  /**
   * Three turns as an application sends them, each message appended as received: a question answered
   * with thinking and a tool call, the tool's result, then a new question after the answer. The third
   * sends the first turn's thinking back after the messages before it.
   */
  async function conversation(model: string, streamed: boolean): Promise<string | null> {
    const complete = (messages: ChatCompletionMessageParam[]) =>
      streamed ? stack.client.chat.completions.stream({ model, messages, tools }).finalChatCompletion() : stack.client.chat.completions.create({ model, messages, tools });
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: 'You report the weather.' },
      { role: 'user', content: 'Weather in SF? [fixture:thinking-tool-call]' },
    ];
    const first = await complete(messages);
    const call = first.choices[0].message.tool_calls![0];
    messages.push(first.choices[0].message as ChatCompletionMessageParam, { role: 'tool', tool_call_id: call.id, content: '{"temperature":18}' });
    const second = await complete(messages);
    messages.push(second.choices[0].message as ChatCompletionMessageParam, { role: 'user', content: 'Thanks. And tomorrow?' });
    const third = await complete(messages);
    return third.choices[0].message.content;
  }

  describe.each([false, true])('streamed: %s', (streamed) => {
    it('keeps append_to_last_user on the user message a thinking turn answered, so the thinking sent back later has the prefix it was made after', async () => {
      expect(await conversation('opus-appended', streamed)).toBe('Hello! How can I help you today?');
      const sent = anthropic.requests.at(-1)!.body as { messages: Array<{ role: string; content: Array<{ type: string; text?: string }> }> };
      expect(sent.messages.map((m) => [m.role, m.content.map((b) => b.type)])).toEqual([
        ['user', ['text']],
        ['assistant', ['redacted_thinking', 'thinking', 'text', 'tool_use']],
        ['user', ['tool_result']],
        ['assistant', ['text']],
        ['user', ['text']],
      ]);
      // The reminder where it was when the first turn thought, and on the last user message, as always.
      expect(sent.messages[0].content[0].text).toBe('Weather in SF? [fixture:thinking-tool-call]\n\nAnswer in metric units.');
      expect(sent.messages[4].content[0].text).toBe('Thanks. And tomorrow?\n\nAnswer in metric units.');
    });

    it('sends a system message an agent adds after a thinking turn in that place, not into `system`, so the thinking sent back keeps its prefix', async () => {
      const complete = (messages: ChatCompletionMessageParam[]) =>
        streamed ? stack.client.chat.completions.stream({ model: 'opus-plain', messages, tools }).finalChatCompletion() : stack.client.chat.completions.create({ model: 'opus-plain', messages, tools });
      const messages: ChatCompletionMessageParam[] = [
        { role: 'system', content: 'You report the weather.' },
        { role: 'user', content: 'Weather in SF? [fixture:thinking-tool-call]' },
      ];
      const first = await complete(messages);
      const call = first.choices[0].message.tool_calls![0];
      messages.push(first.choices[0].message as ChatCompletionMessageParam, { role: 'tool', tool_call_id: call.id, content: '{"temperature":18}' }, { role: 'system', content: 'Reminder: answer in one line.' });
      const second = await complete(messages);
      expect(second.choices[0].message.content).toBe('Hello! How can I help you today?');
      const sent = anthropic.requests.at(-1)!.body as { system?: Array<{ text: string }>; messages: Array<{ role: string; content: Array<{ type: string; text?: string }> }> };
      expect(sent.system!.map((b) => b.text)).toEqual(['You report the weather.']);
      expect(sent.messages[2].content.map((b) => b.type)).toEqual(['tool_result', 'text']);
      expect(sent.messages[2].content[1].text).toBe('Reminder: answer in one line.');
    });

    it('rewrites every turn the same way with a system template, replace (assistant text too) and system_to_user: the prefix never changes', async () => {
      expect(await conversation('opus-rewritten', streamed)).toBe('Hello! How can I help you today?');
      const sent = anthropic.requests.at(-1)!.body as { system?: unknown; messages: Array<{ role: string; content: Array<{ type: string; text?: string }> }> };
      expect(sent.system).toBeUndefined();
      expect(sent.messages[0].content[0].text).toBe('Be brief. You report the forecast.\n\nWeather in SF? [fixture:thinking-tool-call]');
      expect(sent.messages[1].content.find((b) => b.type === 'text')!.text).toBe("I'll check the forecast.");
    });
  });
});
