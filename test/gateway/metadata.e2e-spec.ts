import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { routerYaml, startStack, type Stack } from '../support/stack';

/**
 * `metadata` is the gateway's to read (`metadata.tier`, `metadata.tags`: docs/routing.md). OpenAI
 * refuses it with 400 unless the completion is stored (`store: true`), as the fake upstream does, so
 * it goes upstream only then.
 */
describe('metadata through the gateway to an OpenAI upstream', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'ok' }));
    stack = await startStack({ yaml: routerYaml(upstream.url), queue: 'in-process' });
  });
  afterAll(async () => {
    await stack.close();
    await upstream.close();
  });

  it('reads metadata without sending it upstream when the completion is not stored', async () => {
    const done = await stack.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], metadata: { tier: 'pro', tags: 'checkout' } });
    expect(done.choices[0].message.content).toBe('ok');
    const sent = upstream.requests.at(-1)!;
    expect(sent).not.toHaveProperty('metadata');
    expect(sent.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('sends metadata with store: true, where OpenAI keeps it with the stored completion', async () => {
    const done = await stack.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], store: true, metadata: { tags: 'checkout' } });
    expect(done.choices[0].message.content).toBe('ok');
    expect(upstream.requests.at(-1)).toMatchObject({ store: true, metadata: { tags: 'checkout' } });
  });

  it('streams the same way', async () => {
    const stream = await stack.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], metadata: { tier: 'pro' }, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('ok');
    expect(upstream.requests.at(-1)).not.toHaveProperty('metadata');
  });
});
