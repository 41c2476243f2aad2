import { seededRandom } from '../../libs/core/src';
import { ADMIN_KEY, call } from '../budget/budget-support';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { routerYaml, servedModels, shareOf, startStack, type Stack } from '../support/stack';

/**
 * A model that was fixed, on a route at the default memory (discount 0.9999): its old failures keep it
 * off until the operator tells the router to forget them (docs/routing.md, "Memory and recovery").
 */
describe('POST /v1/admin/routes/:route/models/:model/forget', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;
  let cheapPasses = false;

  beforeAll(async () => {
    upstream = await startFakeOpenAI((body) => ({ kind: 'text', content: body.model === 'strong-upstream' || cheapPasses ? 'ANSWER: 42' : 'I am not sure.' }));
    const validator = `    validators: [{ type: regex, pattern: "^ANSWER: \\\\d+$" }]\n`;
    stack = await startStack({ yaml: routerYaml(upstream.url, validator), queue: 'in-process', random: seededRandom(11), env: { ADMIN_API_KEY: ADMIN_KEY } });
  });
  afterAll(async () => {
    await stack.close();
    await upstream.close();
  });

  const send = (n: number) => servedModels(stack, n, { settle: true });
  const forget = (route: string, model: string, key: string | null = ADMIN_KEY) => call(stack.gateway.url, 'POST', `/v1/admin/routes/${route}/models/${model}/forget`, key ?? undefined);

  it('lets a fixed model win its traffic back at once, where its remembered failures had kept it off', async () => {
    const failing = await send(150);
    expect(shareOf(failing.slice(100), 'strong')).toBeGreaterThanOrEqual(0.9);

    cheapPasses = true;
    // Fixed, but remembered: the cheap model's failures keep its draws under the floor.
    const remembered = await send(100);
    expect(shareOf(remembered, 'cheap')).toBeLessThan(0.2);

    const reply = await forget('auto', 'cheap');
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ object: 'route.model.forgotten', route: 'auto', model: 'cheap', word_model: false });
    expect(reply.json.contexts).toBeGreaterThanOrEqual(1);

    const forgotten = await send(200);
    expect(shareOf(forgotten.slice(100), 'cheap')).toBeGreaterThanOrEqual(0.85);
  }, 120_000);

  it("answers an unknown route or model, or a caller without the admin key, in OpenAI's error format", async () => {
    const route = await forget('nope', 'cheap');
    expect(route.status).toBe(404);
    expect(route.json.error).toMatchObject({ code: 'route_not_found', param: 'route' });
    const model = await forget('auto', 'gpt-nope');
    expect(model.status).toBe(404);
    expect(model.json.error).toMatchObject({ code: 'model_not_found', param: 'model' });
    const anonymous = await forget('auto', 'cheap', null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.error).toMatchObject({ type: 'invalid_request_error', code: null });
    expect((await forget('auto', 'cheap', 'gw-test-key-0123456789')).status).toBe(401);
  });
});
