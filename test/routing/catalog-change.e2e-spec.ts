import { startGateway, type RunningGateway } from '../../apps/gateway/src/gateway';
import { loadConfig } from '../../libs/config/src';
import { seededRandom } from '../../libs/core/src';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, GATEWAY_KEY, testSettings } from '../support/stack';
import { createTestDatabase } from '../support/test-database';

/**
 * Prices and models change in the operator's config (a catalog price cut, a new model), and the
 * gateway restarts on it with the same database (docs/routing.md, "Changes of price and of models"):
 * the learned qualities are kept, a new price counts from the first decision (prices are inputs of
 * every decision, not learned), and a new cheaper model is adopted once its first scores are in.
 * Every model answers right here, so the cheapest model is the right choice at every moment.
 */
describe('a price change and a new model in the config, across gateway restarts', () => {
  let upstream: FakeOpenAI;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let gateway: RunningGateway | undefined;
  let sent = 0;

  const model = (id: string, input: number, output: number) =>
    `  - { id: ${id}, provider: fake, upstream: ${id}, input_per_1m: ${input}, output_per_1m: ${output}, context_window: 16000 }`;
  const yaml = (models: string[], candidates: string[]) => `
providers:
  - { id: fake, kind: openai-compatible, base_url: "${upstream.url}" }
models:
${models.join('\n')}
routes:
  - name: auto
    candidates: [${candidates.join(', ')}]
    quality_floor: 0.6
    max_untried_share: 0.3
    validators: [{ type: regex, pattern: "^ANSWER: \\\\d+$" }]
`;

  async function start(config: string, seed: number): Promise<void> {
    await gateway?.close();
    const env = { ...testSettings(config, 'router-catalog-'), DATABASE_URL: database.url };
    gateway = await startGateway(loadConfig(env), { random: seededRandom(seed), log: () => undefined });
  }

  async function send(n: number): Promise<Array<{ model: string; reason: string }>> {
    const out: Array<{ model: string; reason: string }> = [];
    for (let i = 0; i < n; i++, sent++) {
      const res = await fetch(`${gateway!.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${GATEWAY_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: `question ${sent}` }] }),
      });
      expect(res.status).toBe(200);
      await res.text();
      out.push({ model: res.headers.get('x-router-model')!, reason: res.headers.get('x-router-reason')! });
      // One request at a time, each scored before the next (in-process queue): learning as fast as it can be.
      await gateway!.runtime.records.flush();
    }
    return out;
  }

  const share = (got: Array<{ model: string }>, id: string) => got.filter((g) => g.model === id).length / got.length;

  /** The route-level scores counted per model, as the database holds them. */
  async function evidence(): Promise<Record<string, number>> {
    const rows = await database.handle.db.selectFrom('arm_stats').select(['model_id', 'observations']).where('route', '=', 'auto').where('context_key', '=', '').execute();
    return Object.fromEntries(rows.map((r) => [r.model_id, Number(r.observations)]));
  }

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'ANSWER: 42' }));
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
    await upstream?.close();
  });

  it("follows a price change from the first decision after the restart, on the evidence it had", async () => {
    await start(yaml([model('mini', 0.1, 0.4), model('large', 5, 15)], ['mini', 'large']), 1);
    await send(40);
    const settled = await send(30);
    // Both answer right; mini is cheaper, so it has the traffic. large was tried while it was new.
    expect(share(settled, 'mini')).toBeGreaterThanOrEqual(0.8);
    const before = await eventually(async () => {
      const e = await evidence();
      expect((e.mini ?? 0) + (e.large ?? 0)).toBe(70);
      return e;
    });
    expect(before.large).toBeGreaterThanOrEqual(1);

    // The catalog's price of large falls 50x, mini's rises 10x: large is now the cheaper one.
    await start(yaml([model('mini', 1, 4), model('large', 0.1, 0.3)], ['mini', 'large']), 2);
    // large starts from the evidence it had (a few scores) and its new price prior (the route's cheapest:
    // 0.5, worth 4 scores), and each answer it serves adds to it.
    const after = await send(60);
    expect(share(after, 'large')).toBeGreaterThanOrEqual(0.6);
    expect(share(after.slice(30), 'large')).toBeGreaterThanOrEqual(0.8);
    // Not a cold start: what was learned about both models is still there.
    const kept = await evidence();
    expect(kept.mini).toBeGreaterThanOrEqual(before.mini);
    expect(kept.large).toBeGreaterThan(before.large);
  });

  it('adopts a new cheaper model once its first scores are in', async () => {
    await start(yaml([model('mini', 1, 4), model('large', 0.1, 0.3), model('nano', 0.02, 0.08)], ['mini', 'large', 'nano']), 3);
    const first = await send(60);
    const next = await send(30);
    // Until its first score it wins a draw only under the cap on untried models (max_untried_share 0.3
    // of the draws it wins: its price prior, 0.5 worth 4 scores, clears the floor of 0.6 in about a third
    // of them), so it is tried within the first 60 requests ...
    expect(first.some((g) => g.model === 'nano')).toBe(true);
    // ... and, proven right, it serves most of the route once it has a few scores.
    expect(share(next, 'nano')).toBeGreaterThanOrEqual(0.7);
    const e = await evidence();
    expect(e.nano).toBeGreaterThanOrEqual(20);
  });
});
