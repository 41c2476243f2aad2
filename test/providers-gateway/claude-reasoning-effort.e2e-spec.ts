import OpenAI from 'openai';
import type { FakeUpstream } from '../fakes/fake-anthropic.server';
import type { FakeOpenAI } from '../fakes/fake-openai.server';
import { startThreeFakes, THREE_FAKES_ENV, type ThreeFakes } from '../support/three-fakes';
import { rejection } from '../support/sdk-rejection';
import { startStack, type Stack } from '../support/stack';

/**
 * `reasoning_effort` (and the Responses API's `reasoning.effort`) on Claude, through the gateway with
 * the official openai SDK, against the fake Anthropic API, which checks the thinking configuration as
 * the Messages API does (a budget of at least 1,024 below max_tokens, adaptive thinking and effort only
 * on Claude 4.6 and later): a budget for Claude 4.5 and older, adaptive thinking with an effort for
 * later models, the effort alone for a model that always thinks; the thinking back as
 * `reasoning_content`, streamed and not. docs/providers.md, "Chat Completions parameters by provider".
 */
describe('reasoning_effort on Claude: thinking at a matching budget or effort', () => {
  let fakes: ThreeFakes;
  let anthropic: FakeUpstream;
  let openai: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    fakes = await startThreeFakes();
    ({ anthropic, openai } = fakes);
    const yaml = `
providers:
${fakes.providersYaml}
models:
${fakes.modelsYaml}
  - { id: haiku55, catalog: claude-haiku-5-5 }
  - { id: opus55, catalog: claude-opus-5-5 }
  - { id: opus55-shown, catalog: claude-opus-5-5, thinking_display: summarized }
  - { id: sonnet-hidden, catalog: claude-sonnet-4, thinking_display: omitted }
  - { id: haiku35, catalog: claude-3-5-haiku }
  # the cheapest, so the bandit tries it first
  - { id: sonnet-cheap, catalog: claude-sonnet-4, input_per_1m: 0.01, output_per_1m: 0.01 }
routes:
  - { name: sonnet-first, candidates: [sonnet-cheap, gpt], quality_floor: 0 }
`;
    stack = await startStack({ yaml, queue: 'in-process', env: THREE_FAKES_ENV });
  });
  afterAll(async () => {
    await stack.close();
    await fakes.close();
  });

  type Sent = { max_tokens?: number; thinking?: unknown; output_config?: unknown };
  const sent = () => anthropic.requests.at(-1)!.body as Sent;
  const THOUGHT = 'The user says hello. A short, friendly reply offering help fits.';
  const hi = [{ role: 'user' as const, content: 'Hi [fixture:thinking-text]' }];
  const reasoningOf = (message: object | undefined) => (message as { reasoning_content?: string } | undefined)?.reasoning_content;

  it('gives Claude 4.5 and older a thinking budget under max_tokens, and returns the thinking as reasoning_content, streamed and not', async () => {
    const plain = await stack.client.chat.completions.create({ model: 'sonnet', messages: hi, reasoning_effort: 'medium' });
    expect(plain.choices[0].message.content).toBe('Hello! How can I help you today?');
    expect(reasoningOf(plain.choices[0].message)).toBe(THOUGHT);
    // No limit from the client: the model's own (64,000), the budget well under it.
    expect(sent()).toMatchObject({ max_tokens: 64000, thinking: { type: 'enabled', budget_tokens: 8192 } });
    expect(sent()).not.toHaveProperty('output_config');

    const stream = await stack.client.chat.completions.create({ model: 'sonnet', messages: hi, reasoning_effort: 'high', max_completion_tokens: 2000, stream: true });
    let reasoning = '';
    let text = '';
    for await (const chunk of stream) {
      reasoning += reasoningOf(chunk.choices[0]?.delta) ?? '';
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    expect([reasoning, text]).toEqual([THOUGHT, 'Hello! How can I help you today?']);
    // The client's limit bounds thinking and answer together: the budget is capped under it, not added to it.
    expect(sent()).toMatchObject({ max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 1999 } });

    // none: thinking stays off, as without an effort.
    await stack.client.chat.completions.create({ model: 'sonnet', messages: hi, reasoning_effort: 'none' });
    expect(sent()).not.toHaveProperty('thinking');
  });

  it('turns adaptive thinking on with the effort for Claude 4.6 and later, and sets only the effort of a model that always thinks', async () => {
    const answer = await stack.client.chat.completions.create({ model: 'haiku55', messages: hi, reasoning_effort: 'low' });
    expect(answer.choices[0].message.content).toBe('Hello! How can I help you today?');
    expect(sent()).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'low' } });
    // Claude 4.7 and later keep their thinking text back unless asked (`display`); a chat request does not ask.
    expect(sent().thinking).not.toHaveProperty('display');
    expect(reasoningOf(answer.choices[0].message) ?? '').toBe('');

    // Opus 5.5 always thinks: `none` asks for its least effort; no thinking field (it refuses one that turns it off).
    await stack.client.chat.completions.create({ model: 'opus55', messages: hi, reasoning_effort: 'none' });
    expect(sent().output_config).toEqual({ effort: 'low' });
    expect(sent()).not.toHaveProperty('thinking');
  });

  it('asks Claude 4.7 and later for summarized thinking when a Responses request asks for a reasoning summary, the effort turned on or always on', async () => {
    for (const model of ['haiku55', 'opus55']) {
      const response = await stack.client.responses.create({ model, input: 'Hi [fixture:thinking-text]', reasoning: { effort: 'low', summary: 'auto' } });
      expect(sent().thinking).toEqual({ type: 'adaptive', display: 'summarized' });
      expect(response.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: THOUGHT }] });
    }
    // Without a summary asked for, the model's default stands.
    await stack.client.responses.create({ model: 'opus55', input: 'Hi [fixture:thinking-text]', reasoning: { effort: 'low' } });
    expect(sent()).not.toHaveProperty('thinking');
    // Claude 4.5 and older show their thinking anyway: nothing more is sent.
    await stack.client.responses.create({ model: 'sonnet', input: 'Hi [fixture:thinking-text]', reasoning: { effort: 'low', summary: 'auto' } });
    expect(sent().thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
  });

  it("sends a model's thinking_display whenever it thinks: summarized shows Opus 5.5's thinking in a chat answer, omitted hides Sonnet 4's", async () => {
    const shown = await stack.client.chat.completions.create({ model: 'opus55-shown', messages: hi });
    expect(sent().thinking).toEqual({ type: 'adaptive', display: 'summarized' });
    expect(reasoningOf(shown.choices[0].message)).toBe(THOUGHT);
    const hidden = await stack.client.chat.completions.create({ model: 'sonnet-hidden', messages: hi, reasoning_effort: 'low' });
    expect(sent().thinking).toEqual({ type: 'enabled', budget_tokens: 1024, display: 'omitted' });
    expect(hidden.choices[0].message.content).toBe('Hello! How can I help you today?');
    expect(reasoningOf(hidden.choices[0].message) ?? '').toBe('');
    // Thinking off on the call: no thinking field at all.
    await stack.client.chat.completions.create({ model: 'sonnet-hidden', messages: hi });
    expect(sent()).not.toHaveProperty('thinking');
  });

  it("maps the Responses API's reasoning.effort the same way", async () => {
    const response = await stack.client.responses.create({ model: 'sonnet', input: 'Hi [fixture:thinking-text]', reasoning: { effort: 'low' } });
    expect(response.output_text).toBe('Hello! How can I help you today?');
    expect(sent()).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 } });
  });

  it('refuses an effort thinking cannot serve, naming the conflict, before any call; a route serves it from another model', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
    const calls = anthropic.requests.length;
    const forced = { messages: [{ role: 'user' as const, content: 'Look it up' }], tools, tool_choice: 'required' as const, reasoning_effort: 'low' as const };
    const conflict = await rejection(stack.client.chat.completions.create({ model: 'sonnet', ...forced }));
    expect(conflict).toBeInstanceOf(OpenAI.BadRequestError);
    expect(conflict).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'unsupported_parameter', param: 'reasoning_effort' });
    expect((conflict as Error).message).toContain('forced tool call (tool_choice)');
    // A model that cannot think (the catalog's capabilities.reasoning: false) refuses it as before.
    const old = await rejection(stack.client.chat.completions.create({ model: 'haiku35', messages: hi, reasoning_effort: 'low' }));
    expect(old).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'reasoning_effort' });
    expect(anthropic.requests.length).toBe(calls);

    openai.setBehavior(() => ({ kind: 'text', content: 'Served elsewhere.' }));
    const { data, response } = await stack.client.chat.completions.create({ model: 'sonnet-first', ...forced, temperature: 0.3, tool_choice: 'auto' }).withResponse();
    expect(data.choices[0].message.content).toBe('Served elsewhere.');
    expect(response.headers.get('x-router-models')).toBe('sonnet-cheap,gpt');
    expect(anthropic.requests.length).toBe(calls);
  });
});
