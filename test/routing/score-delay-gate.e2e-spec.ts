import { ReportService } from '../../apps/gateway/src/report/report.service';
import { ScoreDelayGates } from '../../apps/gateway/src/routing/score-delay-gates';
import type { NewRequestRow } from '../../libs/storage/src';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, routerYaml, startStack, type Stack } from '../support/stack';

/**
 * A route with `floor_confidence: auto` runs safe exploration gated by how late its scores arrive
 * (routing round 31): 0.9 until its first score, 0.8 with a cheaper share of 0.3 while scores arrive
 * promptly, 0.9 again once more than 1,000 requests' worth of its answers await a score.
 */
describe('floor_confidence: auto, gated by the route score delay', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'A fine answer.' }));
    stack = await startStack({
      queue: 'in-process',
      yaml: `${routerYaml(upstream.url, '    floor_confidence: auto\n')}
  - { name: plain, candidates: [cheap, strong], quality_floor: 0.8 }
  - { name: pushed, candidates: [cheap, strong], quality_floor: 0.8, floor_confidence: auto }
  - { name: fixed, candidates: [cheap, strong], quality_floor: 0.8, floor_confidence: 0.95 }
`,
    });
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  const safeExploration = async (route: string) => {
    await stack.gateway.app.get(ScoreDelayGates).refresh();
    const report = await stack.gateway.app.get(ReportService).build(100);
    const { safe_exploration, floor_confidence, explore_cheaper_share, score_delay_requests, context_prior_strength } = report.routes.find((r) => r.route === route)!.constraints;
    return { safe_exploration, floor_confidence, explore_cheaper_share, score_delay_requests, context_prior_strength };
  };

  it('is 0.9 before any score, 0.8 with the cheaper share once scores arrive, 0.9 again while they lag', async () => {
    expect(await safeExploration('auto')).toEqual({ safe_exploration: 'gated', floor_confidence: 0.9, explore_cheaper_share: null, score_delay_requests: null, context_prior_strength: 32 });
    for (let i = 0; i < 6; i++) {
      await stack.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: `Question ${i}: say something fine.` }] });
    }
    await stack.gateway.runtime.records.flush();
    await eventually(async () => expect(await stack.gateway.runtime.arms.scoreCount()).toBe(6));
    expect(await safeExploration('auto')).toEqual({ safe_exploration: 'gated', floor_confidence: 0.8, explore_cheaper_share: 0.3, score_delay_requests: 0, context_prior_strength: 32 });

    // Other gateways' answers pile up unscored (their worker has stalled): 1,500 of the last 1,506.
    const t0 = Date.now();
    const lagging: NewRequestRow[] = Array.from({ length: 1500 }, (_, i) => ({
      id: `elsewhere-${i}`, created_at: new Date(t0 + i), route: 'auto', model_id: 'cheap', status: 'success', http_status: 200, streamed: false, cost_usd: 0,
      prompt_tokens: 0, cached_tokens: 0, completion_tokens: 0, latency_ms: 0, attempts: '[]',
    }));
    await stack.gateway.runtime.requests.insertBatch(lagging);
    const late = await safeExploration('auto');
    expect(late).toMatchObject({ safe_exploration: 'gated', floor_confidence: 0.9, explore_cheaper_share: null });
    expect(late.score_delay_requests).toBe(1500);
  });

  it('opens on the worker\'s commit of the first scores, without waiting for the poll', async () => {
    const gates = stack.gateway.app.get(ScoreDelayGates);
    // A fresh route's gate, with the 5-second poll stopped: only the commit's signal can open it.
    gates.stop();
    expect(gates.scoresArrivePromptly('pushed')).toBe(false);
    for (let i = 0; i < 3; i++) {
      await stack.client.chat.completions.create({ model: 'pushed', messages: [{ role: 'user', content: `Question ${i}: say something fine.` }] });
    }
    await stack.gateway.runtime.records.flush();
    await eventually(async () => expect(gates.scoresArrivePromptly('pushed')).toBe(true));
    expect(gates.reading('pushed')).toEqual({ delayRequests: 0, prompt: true });
  });

  it("keeps the operator's floor_confidence, and none when unset", async () => {
    expect(await safeExploration('fixed')).toEqual({ safe_exploration: 'configured', floor_confidence: 0.95, explore_cheaper_share: null, score_delay_requests: null, context_prior_strength: 32 });
    expect(await safeExploration('plain')).toEqual({ safe_exploration: 'off', floor_confidence: null, explore_cheaper_share: null, score_delay_requests: null, context_prior_strength: 8 });
  });
});
