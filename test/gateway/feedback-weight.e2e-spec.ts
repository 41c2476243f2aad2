import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, routerYaml, startStack, type Stack } from '../support/stack';

describe("a route's feedback_weight, from the routing file to the learned reward", () => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    upstream.setBehavior(() => ({ kind: 'text', content: 'ok' }));
    // `auto` keeps the default (0.5); `verdict` makes the user's feedback the reward.
    stack = await startStack({ yaml: routerYaml(upstream.url, '  - { name: verdict, candidates: [cheap, strong], quality_floor: 0.8, feedback_weight: 1, relative_floor: 0.9, context_prior_strength: 2, floor_confidence: 0.9, strict_floor: true, explore_cheaper_share: 0.2, discount: 0.995 }\n'), queue: 'in-process' });
  });
  afterAll(async () => {
    await stack.close();
    await upstream.close();
  });

  async function thumbsDown(model: string) {
    const done = await stack.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] });
    // Scored first (the answer passes its validators), then marked wrong by the user.
    await eventually(async () => {
      if (!(await stack.gateway.runtime.arms.findScore(done.id))) throw new Error('not scored yet');
    });
    await stack.client.post('/feedback', { body: { request_id: done.id, score: false } });
    return eventually(async () => {
      const s = await stack.gateway.runtime.arms.findScore(done.id);
      if (!s || s.feedback === null) throw new Error('feedback not applied yet');
      return s;
    });
  }

  it('a thumbs-down on a passing answer scores 0 on a route with feedback_weight 1, 0.5 by default', async () => {
    expect(await thumbsDown('verdict')).toMatchObject({ route: 'verdict', validator_reward: 1, feedback: 0, feedback_weight: 1, reward: 0 });
    expect(await thumbsDown('auto')).toMatchObject({ route: 'auto', validator_reward: 1, feedback: 0, feedback_weight: 0.5, reward: 0.5 });
  });

  it("shows each route's learning options in the report", async () => {
    const report = (await stack.client.get('/router/report')) as { routes: Array<{ route: string; constraints: Record<string, unknown> }> };
    const constraints = (name: string) => report.routes.find((r) => r.route === name)!.constraints;
    expect(constraints('verdict')).toMatchObject({ feedback_weight: 1, relative_floor: 0.9, context_prior_strength: 2, floor_confidence: 0.9, strict_floor: true, explore_cheaper_share: 0.2, discount: 0.995, learner: 'prompt_contexts' });
    expect(constraints('auto')).toMatchObject({ feedback_weight: 0.5, relative_floor: null, context_prior_strength: 8, discount: 0.9999, floor_confidence: null, strict_floor: false, explore_cheaper_share: null });
  });
});
