import { seededRandom } from '../../libs/core/src';
import { startFakeAnthropic, type FakeUpstream } from '../fakes/fake-anthropic.server';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.server';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { servedModels, shareOf, startStack, type Stack } from '../support/stack';

/** Thousands of requests through the whole stack: about 30 s alone, up to twice the default 60 s on a loaded 2-core machine. */
const HEAVY_TEST_MS = 180_000;

/**
 * The spine's learning test (test/gateway/learning.e2e-spec.ts) with a route whose candidates span
 * three providers: an OpenAI-compatible host, Anthropic's and Gemini's native APIs. HTTP through the
 * gateway, records in Postgres, scoring jobs on BullMQ in Redis, a separate worker.
 */
describe('learning across an OpenAI-compatible, an Anthropic and a Gemini model', () => {
  let openai: FakeOpenAI;
  let anthropic: FakeUpstream;
  let gemini: FakeGemini;
  let stack: Stack;
  let cheapPassRate = 0.4;
  const upstreamRandom = seededRandom(2024);
  const answer = (passes: boolean) => (passes ? 'ANSWER: 42' : 'I am not sure.');

  beforeAll(async () => {
    openai = await startFakeOpenAI(() => ({ kind: 'text', content: answer(upstreamRandom() < cheapPassRate) }));
    anthropic = await startFakeAnthropic({ answer: () => answer(upstreamRandom() < 0.5) });
    gemini = await startFakeGemini({ answer: () => answer(true) });
    const yaml = `
providers:
  - { id: compat, kind: openai-compatible, base_url: "${openai.url}" }
  - { id: claude-api, preset: anthropic, base_url: "${anthropic.url}" }
  - { id: google, preset: gemini, base_url: "${gemini.url}" }
models:
  - { id: cheap, provider: compat, upstream: cheap-upstream, input_per_1m: 0.1, output_per_1m: 0.4, context_window: 16000 }
  - { id: haiku, catalog: claude-3-5-haiku }
  - { id: pro, catalog: gemini-2.5-pro }
routes:
  - name: auto
    candidates: [cheap, haiku, pro]
    quality_floor: 0.8
    # An untried model that wins the draw is served with this probability (0.1 unless set). The cheap
    # model's price prior (0.5, the route's cheapest) clears the floor in about a tenth of its draws, so
    # under the default cap it went untried for all 300 requests in 3 of 7 runs (session 13): the cap
    # working as meant, not a failure to learn. 0.3 makes it about 3% of requests until it is tried.
    max_untried_share: 0.3
    # A short memory (about 100 scores per context; the default is 0.9999), so the fixed model wins
    # its traffic back within the run (docs/routing.md, "Memory and recovery").
    discount: 0.99
    validators: [{ type: regex, pattern: "^ANSWER: \\\\d+$" }]
`;
    stack = await startStack({ yaml, queue: 'bullmq', random: seededRandom(7), env: { ANTHROPIC_API_KEY: 'sk-ant-test', GEMINI_API_KEY: 'AIza-test' } });
  });
  afterAll(async () => {
    await stack.close();
    await openai.close();
    await anthropic.close();
    await gemini.close();
  });

  const send = (n: number) => servedModels(stack, n);


  it('sends traffic to the Gemini model while the cheaper ones fail, then to the OpenAI-compatible one once fixed', async () => {
    const first = await send(300);
    // Every provider was tried: the bandit explored across all three.
    expect(new Set(first)).toEqual(new Set(['cheap', 'haiku', 'pro']));
    // Out of 100 requests, with the failing models re-explored as their evidence fades (discount 0.99)
    // and scores arriving asynchronously. Measured (session 3, 10 runs each): 0.86-0.97 alone, 0.82-0.92
    // with both cores busy, 0.75 once in a full suite run (the worker's lag grows under load, and the
    // bandit explores on staler evidence meanwhile). Without learning it would be about a third; the
    // threshold is twice that, with room for the load.
    expect(shareOf(first.slice(200), 'pro')).toBeGreaterThanOrEqual(0.67);

    cheapPassRate = 1;
    const second = await send(400);
    expect(shareOf(second.slice(250), 'cheap')).toBeGreaterThanOrEqual(0.85);

    // Every request was recorded and scored exactly once by the worker.
    await stack.gateway.runtime.records.flush();
    const deadline = Date.now() + 15_000;
    while ((await stack.gateway.runtime.arms.scoreCount()) < 700 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await stack.gateway.runtime.requests.count()).toBe(700);
    expect(await stack.gateway.runtime.arms.scoreCount()).toBe(700);
    const providers = await stack.database.handle.db.selectFrom('requests').select('provider_id').distinct().execute();
    expect(providers.map((p) => p.provider_id).sort()).toEqual(['claude-api', 'compat', 'google']);
  }, HEAVY_TEST_MS);
});
