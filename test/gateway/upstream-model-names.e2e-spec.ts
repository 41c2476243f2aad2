import { startFakeOpenAI, type Behavior, type FakeOpenAI } from '../fakes/fake-openai.server';
import { rejection } from '../support/sdk-rejection';
import { startStack, type Stack } from '../support/stack';

/**
 * A chat error's text names the model the client asked for, never the deployment's `upstream` name,
 * also where the upstream's own words name it (OpenAI's rate-limit text does): before the answer (the
 * retry loop's error) and mid-stream (the in-band error event). docs/providers.md, "Key variable".
 */
describe("chat errors name the client's model, not the upstream's", () => {
  let upstream: FakeOpenAI;
  let stack: Stack;
  let behavior: Behavior = { kind: 'text', content: 'ok' };

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => behavior);
    stack = await startStack({
      queue: 'in-process',
      yaml: `
providers:
  - { id: fake, kind: openai-compatible, base_url: "${upstream.url}" }
models:
  - { id: fast, provider: fake, upstream: acme-deploy-7, input_per_1m: 0.1, output_per_1m: 0.4, context_window: 16000 }
routes:
  - { name: solo, candidates: [fast], quality_floor: 0, failover: { retries: 0 } }
`,
    });
  });
  afterAll(async () => {
    await stack.close();
    await upstream.close();
  });

  it('an upstream error before the answer', async () => {
    behavior = { kind: 'error', status: 429, type: 'tokens', code: 'rate_limit_exceeded', message: 'Rate limit reached for acme-deploy-7 in organization org-1 on tokens per min (TPM): Limit 100.' };
    const err = await rejection(stack.client.chat.completions.create({ model: 'solo', messages: [{ role: 'user', content: 'hi' }] }));
    expect(err.status).toBe(429);
    expect(err.message).toContain('Rate limit reached for fast in organization org-1');
    expect(err.message).not.toContain('acme-deploy-7');
    // The upstream did say it: the name was replaced, not lost with the message.
    expect(upstream.requests.at(-1)?.model).toBe('acme-deploy-7');
  });

  it('an upstream error event in the middle of a stream', async () => {
    behavior = { kind: 'error_event', content: 'Partial answer that will fail.', afterChunks: 2, chunks: 4, message: 'The server had an error while serving acme-deploy-7.' };
    const stream = await stack.client.chat.completions.create({ model: 'solo', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    })().then(
      () => undefined,
      (e: unknown) => e as { message: string; error?: { message?: string } },
    );
    expect(text.length).toBeGreaterThan(0);
    const message = err?.error?.message ?? err?.message ?? '';
    expect(message).toContain('while serving fast');
    expect(message).not.toContain('acme-deploy-7');
  });
});
