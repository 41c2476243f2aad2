import { rejection } from '../support/sdk-rejection';
import { startFakeAnthropic, type FakeUpstream } from '../fakes/fake-anthropic.server';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.server';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, startStack, type Stack } from '../support/stack';

/** `GET /v1/models` with capabilities, and requests kept away from models that cannot serve them. */
describe('models, capabilities and context windows through the gateway', () => {
  let openai: FakeOpenAI;
  let anthropic: FakeUpstream;
  let gemini: FakeGemini;
  let stack: Stack;

  beforeAll(async () => {
    openai = await startFakeOpenAI(() => ({ kind: 'text', content: 'from deepseek' }));
    anthropic = await startFakeAnthropic();
    gemini = await startFakeGemini();
    const yaml = `
providers:
  - { id: ds, preset: deepseek, base_url: "${openai.url}" }
  - { id: claude-api, preset: anthropic, base_url: "${anthropic.url}" }
  - { id: google, preset: gemini, base_url: "${gemini.url}" }
models:
  - { id: deepseek-chat, catalog: deepseek-chat }
  - { id: haiku, catalog: claude-3-5-haiku, context_window: 400 }
  - { id: flash, catalog: gemini-2.0-flash, capabilities: { tools: false } }
  - { id: sonnet5, catalog: claude-sonnet-5-5 }
  - { id: ds-long, catalog: deepseek-chat, long_context: { above_prompt_tokens: 10, input_per_1m: 1, output_per_1m: 2 } }
routes:
  - name: auto
    candidates: [deepseek-chat, haiku, flash]
  - name: small
    candidates: [deepseek-chat, haiku]
  - name: agents
    candidates: [sonnet5, deepseek-chat]
`;
    stack = await startStack({ yaml, queue: 'in-process', env: { DEEPSEEK_API_KEY: 'sk-ds', ANTHROPIC_API_KEY: 'sk-ant-test', GEMINI_API_KEY: 'AIza-test' } });
  });
  afterAll(async () => {
    await stack.close();
    await openai.close();
    await anthropic.close();
    await gemini.close();
  });

  it('lists every configured model with its provider and capabilities', async () => {
    const list = await stack.client.models.list();
    const byId = new Map(list.data.map((m) => [m.id, m as unknown as { owned_by: string; x_router: Record<string, unknown> }]));
    expect(byId.get('deepseek-chat')).toMatchObject({
      owned_by: 'ds',
      x_router: { type: 'model', provider: 'ds', provider_kind: 'openai-compatible', upstream: 'deepseek-chat', capabilities: { tools: true, vision: false, json_schema: false, reasoning: false } },
    });
    expect(byId.get('haiku')).toMatchObject({
      owned_by: 'claude-api',
      x_router: { provider: 'claude-api', provider_kind: 'anthropic', context_window: 400, input_per_1m: 0.8, cached_input_per_1m: 0.08, capabilities: { tools: true, vision: true, json_schema: true }, shutdown_date: '2026-02-19' },
    });
    expect(byId.get('deepseek-chat')?.x_router.shutdown_date).toBeNull();
    expect(byId.get('sonnet5')?.x_router).toMatchObject({ token_scale: 1.3, thinking: 'always', capabilities: { forced_tool_choice: false, assistant_prefill: false } });
    expect([byId.get('haiku')?.x_router.thinking, byId.get('deepseek-chat')?.x_router.thinking]).toEqual(['off', null]);
    expect(byId.get('flash')).toMatchObject({ owned_by: 'google', x_router: { provider_kind: 'gemini', capabilities: { tools: false, vision: true, json_schema: true } } });
    expect(byId.get('auto')).toMatchObject({ x_router: { type: 'route', candidates: ['deepseek-chat', 'haiku', 'flash'] } });
  });

  it('never sends an image to a model without vision, nor tools to a model without them', async () => {
    const image = { role: 'user' as const, content: [{ type: 'text' as const, text: 'What is this? [fixture:text]' }, { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] };
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];
    for (let i = 0; i < 12; i++) {
      const { response } = await stack.client.chat.completions.create({ model: 'auto', messages: [image] }).withResponse();
      expect(['haiku', 'flash']).toContain(response.headers.get('x-router-model'));
      const withTools = await stack.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: `weather ${i} [fixture:text]` }], tools }).withResponse();
      expect(['deepseek-chat', 'haiku']).toContain(withTools.response.headers.get('x-router-model'));
    }
    expect(openai.requests.some((r) => JSON.stringify(r.messages).includes('image_url'))).toBe(false);
    expect(gemini.requests.some((r) => (r.body as { tools?: unknown }).tools !== undefined)).toBe(false);
  });

  it('refuses with a clear 400 when no candidate has the capability the request needs', async () => {
    const image = { role: 'user' as const, content: [{ type: 'image_url' as const, image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] };
    const sent = openai.requests.length;
    const err = await rejection(stack.client.chat.completions.create({ model: 'deepseek-chat', messages: [image] }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('unsupported_capability');
    expect(err.param).toBe('messages');
    expect(err.message).toContain('This request needs image input (vision), but model "deepseek-chat" does not support it.');
    expect(openai.requests.length).toBe(sent);
  });

  it('sends a forced tool call only to models that take one (Sonnet 5.5 refuses it), and tool_choice auto to it as well', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];
    const messages = [{ role: 'user' as const, content: 'weather? [fixture:text]' }];
    const forced = ['required' as const, { type: 'function' as const, function: { name: 'get_weather' } }];
    for (let i = 0; i < 8; i++) {
      const { response } = await stack.client.chat.completions.create({ model: 'agents', messages, tools, tool_choice: forced[i % 2], user: `u${i}` }).withResponse();
      expect(response.headers.get('x-router-model')).toBe('deepseek-chat');
    }
    expect(anthropic.requests.filter((r) => (r.body as { model?: string }).model === 'claude-sonnet-5-5')).toEqual([]);
    // Unforced, Sonnet 5.5 takes the same tools.
    const { response } = await stack.client.chat.completions.create({ model: 'sonnet5', messages, tools, tool_choice: 'auto' }).withResponse();
    expect(response.headers.get('x-router-model')).toBe('sonnet5');
    expect(anthropic.requests.at(-1)?.body).toMatchObject({ model: 'claude-sonnet-5-5', tool_choice: { type: 'auto' } });
    const err = await rejection(stack.client.chat.completions.create({ model: 'sonnet5', messages, tools, tool_choice: 'required' }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('unsupported_capability');
    expect(err.param).toBe('tool_choice');
    expect(err.message).toContain('This request needs a forced tool call (tool_choice required or naming a tool), but model "sonnet5" does not support it.');
  });

  it('sends a conversation that ends on an assistant message only to models that take a prefill (Claude 4.6 and later refuse one)', async () => {
    const prefill = [{ role: 'user' as const, content: 'Name a colour. [fixture:text]' }, { role: 'assistant' as const, content: 'The colour is' }];
    const toSonnet = () => anthropic.requests.filter((r) => (r.body as { model?: string }).model === 'claude-sonnet-5-5').length;
    const before = toSonnet();
    for (let i = 0; i < 6; i++) {
      const { response } = await stack.client.chat.completions.create({ model: 'agents', messages: prefill, user: `p${i}` }).withResponse();
      expect(response.headers.get('x-router-model')).toBe('deepseek-chat');
    }
    expect(toSonnet()).toBe(before);
    const err = await rejection(stack.client.chat.completions.create({ model: 'sonnet5', messages: prefill }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('unsupported_capability');
    expect(err.param).toBe('messages');
    expect(err.message).toContain('This request needs a conversation that ends on an assistant message (a prefill), but model "sonnet5" does not support it.');
  });

  it("bills a call whose prompt is over the model's long-context line at that tier, and lists the tier", async () => {
    // The fake bills 12 prompt tokens a call: over ds-long's line of 10.
    const { data, response } = await stack.client.chat.completions.create({ model: 'ds-long', messages: [{ role: 'user', content: 'hi [fixture:text]' }] }).withResponse();
    expect(data.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 4 });
    expect(Number(response.headers.get('x-router-cost-usd'))).toBeCloseTo((12 * 1 + 4 * 2) / 1e6, 12);
    const row = await eventually(async () => {
      const found = await stack.gateway.runtime.requests.findById(data.id);
      if (!found) throw new Error('not yet recorded');
      return found;
    });
    expect(row.cost_usd).toBeCloseTo((12 * 1 + 4 * 2) / 1e6, 12);
    const listed = (await stack.client.models.retrieve('ds-long')) as unknown as { x_router: { long_context: unknown; input_per_1m: number } };
    expect(listed.x_router).toMatchObject({ input_per_1m: 0.28, token_scale: 1, long_context: { above_prompt_tokens: 10, input_per_1m: 1, output_per_1m: 2, cached_input_per_1m: null } });
    const plain = (await stack.client.models.retrieve('deepseek-chat')) as unknown as { x_router: { long_context: unknown } };
    expect(plain.x_router.long_context).toBeNull();
  });

  it('keeps a long prompt away from a model whose context window it exceeds, and refuses when none can hold it', async () => {
    const long = `${'word '.repeat(2000)}[fixture:text]`;
    for (let i = 0; i < 6; i++) {
      const { response } = await stack.client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: `${i} ${long}` }] }).withResponse();
      expect(response.headers.get('x-router-model')).toBe('deepseek-chat');
    }
    const err = await rejection(stack.client.chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: long }] }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('context_length_exceeded');
    expect(err.message).toContain('exceed the context window');
  });
});
