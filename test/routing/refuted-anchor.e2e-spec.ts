import { seededRandom } from '../../libs/core/src';
import { extractPromptContext } from '../../libs/router/src';
import type { ScoreToRecord } from '../../libs/storage/src';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, GATEWAY_KEY, startStack, type Stack } from '../support/stack';

const ADMIN_KEY = 'admin-test-key-0123456789abcdef';
const PROMPT = 'Write a Python function that returns the n-th Fibonacci number.';

/**
 * A silent regression of a context's proven anchor, through HTTP, the queue and the worker (routing
 * round 11b's refuted-anchor stand-ins, as the bench runs them): `mid` serves the context until its
 * answers start failing validation; the worker's drift alarm marks it refuted in the context; once its
 * scores bear that out, `cheap` (proven across the route, thin here) stands in for it instead of the
 * context's next proven model, `strong`.
 */
describe('a refuted anchor through HTTP, the queue and the worker', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;
  const contextKey = extractPromptContext({ model: 'safe', messages: [{ role: 'user', content: PROMPT }] }).contextKey;

  beforeAll(async () => {
    upstream = await startFakeOpenAI((body) => ({ kind: 'text', content: body.model === 'mid-upstream' ? 'I am not sure.' : 'ANSWER: 42' }));
    const yaml = `
providers:
  - { id: fake, kind: openai-compatible, base_url: "${upstream.url}" }
models:
  - { id: cheap, provider: fake, upstream: cheap-upstream, input_per_1m: 0.1, output_per_1m: 0.4, context_window: 16000 }
  - { id: mid, provider: fake, upstream: mid-upstream, input_per_1m: 0.5, output_per_1m: 2, context_window: 16000 }
  - { id: strong, provider: fake, upstream: strong-upstream, input_per_1m: 5, output_per_1m: 15, context_window: 128000 }
routes:
  - name: safe
    candidates: [cheap, mid, strong]
    quality_floor: 0.6
    floor_confidence: 0.9
    # The beliefs below are built for a context prior of 8 (what such a route ran until session 24 fixed
    # the default to 32): at 32 cheap's 45 middling scores here are pulled to its route-wide 80%, and it is
    # explored in this context from the start, so no anchor needs a stand-in.
    context_prior_strength: 8
    discount: 1
    validators: [{ type: regex, pattern: "^ANSWER: \\\\d+$" }]
`;
    stack = await startStack({ yaml, queue: 'in-process', random: seededRandom(3), env: { ADMIN_API_KEY: ADMIN_KEY } });
    // What the route learned before: cheap is proven across the route (other prompts) but thin and
    // middling in this context; mid is this context's proven anchor; strong is proven here too.
    const scores: ScoreToRecord[] = [];
    const add = (context: string, modelId: string, rewards: number[]) =>
      rewards.forEach((reward, i) =>
        scores.push({ requestId: `seed-${context}-${modelId}-${i}`, route: 'safe', contextKey: context, modelId, validatorReward: reward, results: [], costUsd: 0.0001, completionTokens: 10, discount: 1, scoredAt: new Date() }),
      );
    const mostly = (n: number, everyBad: number) => Array.from({ length: n }, (_, i) => (i % everyBad === everyBad - 1 ? 0 : 1));
    add('chat|short', 'cheap', mostly(1000, 5));
    add(contextKey, 'cheap', mostly(45, 2));
    add(contextKey, 'mid', mostly(100, 1000));
    add(contextKey, 'strong', mostly(200, 10));
    await stack.gateway.runtime.arms.recordScores(scores);
    await stack.gateway.runtime.learned.refresh();
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  async function send(): Promise<{ model: string; reason: string }> {
    const res = await fetch(`${stack.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${GATEWAY_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'safe', messages: [{ role: 'user', content: PROMPT }] }),
    });
    expect(res.status).toBe(200);
    const id = res.headers.get('x-request-id')!;
    await res.text();
    // One answer at a time, each scored and learned before the next decision.
    await eventually(async () => {
      if (!(await stack.gateway.runtime.arms.findScore(id))) throw new Error('not scored yet');
    });
    await stack.gateway.runtime.learned.refresh();
    return { model: res.headers.get('x-router-model')!, reason: res.headers.get('x-router-reason')! };
  }

  async function refutedAnchor(): Promise<string | null | undefined> {
    const res = await fetch(`${stack.gateway.url}/v1/router/beliefs`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const body = (await res.json()) as { routes: Array<{ route: string; contexts: Array<{ context_key: string; refuted_anchor: string | null }> }> };
    return body.routes.find((r) => r.route === 'safe')?.contexts.find((c) => c.context_key === contextKey)?.refuted_anchor;
  }

  it('lets the model proven across the route stand in once the anchor is refuted in the context', async () => {
    expect(await refutedAnchor()).toBeNull();
    const served: Array<{ model: string; reason: string }> = [];
    // Until the alarm, and until mid's new scores bear it out, mid keeps most of the context.
    while (served.length < 150 && !(served.at(-1)?.model === 'cheap' && served.at(-1)?.reason === 'constraint')) served.push(await send());
    expect(served[0].model).toBe('mid');
    expect(served.at(-1)).toEqual({ model: 'cheap', reason: 'constraint' });
    expect(await refutedAnchor()).toBe('mid');
    // From then on the stand-in serves, not strong (the context's next proven model) nor mid.
    const after: string[] = [];
    for (let i = 0; i < 15; i++) after.push((await send()).model);
    expect(after).toEqual(Array.from({ length: 15 }, () => 'cheap'));
    expect(served.filter((s) => s.model === 'mid').length).toBeGreaterThan(15);
  });
});
