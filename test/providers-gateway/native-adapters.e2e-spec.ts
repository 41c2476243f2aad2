import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { startFakeAnthropic, type FakeUpstream } from '../fakes/fake-anthropic.server';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.server';
import { eventually, startStack, type Stack } from '../support/stack';

/**
 * The official openai SDK as a client of the gateway, served by the native Anthropic and Gemini
 * adapters (providers configured by preset, models by catalog id), against fake upstreams that
 * replay recorded-style fixtures chosen by a `[fixture:name]` marker in the last user message.
 */
describe('native adapters through the gateway, with the official openai SDK', () => {
  let anthropic: FakeUpstream;
  let gemini: FakeGemini;
  let stack: Stack;

  beforeAll(async () => {
    anthropic = await startFakeAnthropic();
    gemini = await startFakeGemini();
    const yaml = `
providers:
  - { id: claude-api, preset: anthropic, base_url: "${anthropic.url}" }
  - { id: google, preset: gemini, base_url: "${gemini.url}" }
models:
  - { id: sonnet, catalog: claude-sonnet-4 }
  - { id: flash, catalog: gemini-2.5-flash }
prompt_templates:
  - name: flash-brief
    models: [flash]
    system: "Answer briefly. {{system}}"
`;
    stack = await startStack({ yaml, queue: 'in-process', env: { ANTHROPIC_API_KEY: 'sk-ant-test', GEMINI_API_KEY: 'AIza-test' } });
  });
  afterAll(async () => {
    await stack.close();
    await anthropic.close();
    await gemini.close();
  });

  const cases = [
    {
      model: 'sonnet',
      provider: 'claude-api',
      upstreamModel: () => (anthropic.requests.at(-1)!.body as { model: string }).model,
      expectedUpstream: 'claude-sonnet-4-20250514',
      textUsage: { prompt_tokens: 12, completion_tokens: 11, total_tokens: 23 },
      weatherCallId: 'toolu_01WeatherA',
      // 1800 cache reads at $0.30/M, 225 other prompt tokens at $3/M, 4 output tokens at $15/M
      cachedCost: (225 * 3 + 1800 * 0.3 + 4 * 15) / 1e6,
    },
    {
      model: 'flash',
      provider: 'google',
      upstreamModel: () => gemini.requests.at(-1)!.model,
      expectedUpstream: 'gemini-2.5-flash',
      // Gemini's thoughts count as completion tokens
      textUsage: { prompt_tokens: 8, completion_tokens: 30, total_tokens: 38 },
      weatherCallId: undefined,
      // 2048 cache hits at $0.03/M, 52 other prompt tokens at $0.30/M, 4 output tokens at $2.50/M
      cachedCost: (52 * 0.3 + 2048 * 0.03 + 4 * 2.5) / 1e6,
    },
  ];

  describe.each(cases)('$model ($provider)', (c) => {
    it('answers chat.completions.create, billed and recorded', async () => {
      const { data, response } = await stack.client.chat.completions.create({ model: c.model, messages: [{ role: 'user', content: 'Hi [fixture:text]' }] }).withResponse();
      expect(data.choices[0].message.content).toBe('Hello! How can I help you today?');
      expect(data.choices[0].finish_reason).toBe('stop');
      expect(data.model).toBe(c.model);
      expect(data.usage).toMatchObject(c.textUsage);
      expect(response.headers.get('x-router-provider')).toBe(c.provider);
      expect(c.upstreamModel()).toBe(c.expectedUpstream);
      const row = await eventually(async () => {
        const found = await stack.gateway.runtime.requests.findById(data.id);
        if (!found) throw new Error('not yet recorded');
        return found;
      });
      expect(row).toMatchObject({ model_id: c.model, provider_id: c.provider, status: 'success', prompt_tokens: c.textUsage.prompt_tokens });
    });

    it('streams the same answer with a usage chunk, then [DONE]', async () => {
      const stream = await stack.client.chat.completions.create({
        model: c.model,
        messages: [{ role: 'user', content: 'Hi [fixture:text]' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let finish: string | null = null;
      let usage;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
        expect(chunk.model).toBe(c.model);
      }
      expect(text).toBe('Hello! How can I help you today?');
      expect(finish).toBe('stop');
      expect(usage).toMatchObject(c.textUsage);
    });

    it('returns tool calls, streamed and not', async () => {
      const tools = [
        {
          type: 'function' as const,
          function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['location'] } },
        },
      ];
      const messages = [{ role: 'user' as const, content: 'Weather in SF? [fixture:tool-call]' }];
      const plain = await stack.client.chat.completions.create({ model: c.model, messages, tools });
      const call = plain.choices[0].message.tool_calls![0];
      expect(plain.choices[0].finish_reason).toBe('tool_calls');
      expect(call.type === 'function' && call.function.name).toBe('get_weather');
      expect(JSON.parse(call.type === 'function' ? call.function.arguments : '')).toEqual({ location: 'San Francisco, CA', unit: 'celsius' });
      if (c.weatherCallId) expect(call.id).toBe(c.weatherCallId);
      else expect(call.id).toMatch(/^call_/);

      const streamed = await stack.client.chat.completions.stream({ model: c.model, messages, tools }).finalChatCompletion();
      const streamedCall = streamed.choices[0].message.tool_calls![0];
      expect(streamed.choices[0].finish_reason).toBe('tool_calls');
      expect(streamedCall.type === 'function' && JSON.parse(streamedCall.function.arguments)).toEqual({ location: 'San Francisco, CA', unit: 'celsius' });
      expect(streamedCall.id).toBe(call.id);
    });

    it('gives structured output that chat.completions.parse validates with a zod schema, streamed and not', async () => {
      const City = z.object({ city: z.string(), population: z.number() });
      const messages = [{ role: 'user' as const, content: 'Largest city of France? [fixture:json-schema]' }];
      const parsed = await stack.client.chat.completions.parse({ model: c.model, messages, response_format: zodResponseFormat(City, 'city_info') });
      expect(parsed.choices[0].message.parsed).toEqual({ city: 'Paris', population: 2102650 });
      expect(parsed.choices[0].finish_reason).toBe('stop');

      const streamed = await stack.client.chat.completions.stream({ model: c.model, messages, response_format: zodResponseFormat(City, 'city_info') }).finalChatCompletion();
      expect(streamed.choices[0].message.parsed).toEqual({ city: 'Paris', population: 2102650 });
    });

    it('bills cache hits at the cached-input price', async () => {
      const { response, data } = await stack.client.chat.completions.create({ model: c.model, messages: [{ role: 'user', content: 'Again [fixture:cached-usage]' }] }).withResponse();
      expect(data.choices[0].message.content).toBe('Cached answer.');
      expect(Number(response.headers.get('x-router-cost-usd'))).toBeCloseTo(c.cachedCost, 8);
    });
  });

  it("lets a Claude model write up to its own output limit when the client sets none, as an OpenAI model would", async () => {
    await stack.client.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'Hi [fixture:text]' }] });
    // claude-sonnet-4's max_output_tokens in the catalog (Anthropic requires a max_tokens on every request).
    expect((anthropic.requests.at(-1)!.body as { max_tokens: number }).max_tokens).toBe(64000);
    await stack.client.chat.completions.create({ model: 'sonnet', max_completion_tokens: 300, messages: [{ role: 'user', content: 'Hi [fixture:text]' }] });
    expect((anthropic.requests.at(-1)!.body as { max_tokens: number }).max_tokens).toBe(300);
  });

  it("applies the model's prompt template only to requests that go to it, and records its name", async () => {
    const messages = [
      { role: 'system' as const, content: 'You are a geography tutor.' },
      { role: 'user' as const, content: 'Hi [fixture:text]' },
    ];
    const toFlash = await stack.client.chat.completions.create({ model: 'flash', messages });
    expect((gemini.requests.at(-1)!.body as { systemInstruction?: unknown }).systemInstruction).toEqual({ parts: [{ text: 'Answer briefly. You are a geography tutor.' }] });
    const toSonnet = await stack.client.chat.completions.create({ model: 'sonnet', messages });
    expect((anthropic.requests.at(-1)!.body as { system?: unknown }).system).toEqual([{ type: 'text', text: 'You are a geography tutor.' }]);
    const templateOf = (id: string) =>
      eventually(async () => {
        const row = await stack.gateway.runtime.requests.findById(id);
        if (!row) throw new Error('not yet recorded');
        return row.prompt_template;
      });
    expect(await templateOf(toFlash.id)).toBe('flash-brief');
    expect(await templateOf(toSonnet.id)).toBeNull();
  });
});
