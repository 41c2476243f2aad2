import type { ChatRequest } from '../../../core/src';
import type { ScoreResponseJob } from '../../../queue/src/jobs';
import { JudgeCallError, ModelJudge, type JudgeCallRecord, type JudgeModelReply } from './model-judge';

const job: ScoreResponseJob = {
  requestId: 'req-1',
  route: 'support',
  contextKey: 'ctx',
  modelId: 'cheap',
  costUsd: 0,
  completionTokens: 1,
  discount: 1,
  validators: [],
  judge: { modelId: 'judge-model', weight: 0.5, maxTokens: 64, conversation: [{ role: 'user', text: 'Hi' }], answer: 'Hello', truncated: false, billing: { tenantId: 't1', keyId: 'k1' } },
  request: {},
  response: { content: 'Hello', toolCalls: [], finishReason: 'stop' },
};

const reply = (content: string): JudgeModelReply => ({ content, providerId: 'p', costUsd: 0.002, promptTokens: 100, completionTokens: 20, finishReason: 'stop' });
const clock = { now: () => 1_000 };

describe('ModelJudge', () => {
  it('reads the verdict and records the call as a judge record of the route with its spend entry', async () => {
    const written: JudgeCallRecord[][] = [];
    const asked: ChatRequest[] = [];
    const judge = new ModelJudge(async (_model, request) => (asked.push(request), reply('{"score": 7, "reason": "Fine."}')), async (r) => written.push(r), clock, () => 'c1');
    expect(await judge.judge(job)).toEqual({ kind: 'verdict', verdict: { score: 7, reason: 'Fine.' } });
    expect(asked[0].max_tokens).toBe(64);
    expect(written).toHaveLength(1);
    expect(written[0][0].row).toMatchObject({ id: 'req-1-judge-c1', kind: 'judge', route: 'support', model_id: 'judge-model', provider_id: 'p', key_id: 'k1', cost_usd: 0.002, status: 'success', decision_reason: null });
    expect(written[0][0].spend).toEqual({ tenantId: 't1', keyId: 'k1', route: 'support', modelId: 'judge-model', costUsd: 0.002 });
  });

  it("passes the judged request's route tier on with the call, whose budget it counts in too", async () => {
    const written: JudgeCallRecord[][] = [];
    const judge = new ModelJudge(async () => reply('{"score": 7, "reason": "Fine."}'), async (r) => written.push(r), clock, () => 'c1');
    await judge.judge({ ...job, judge: { ...job.judge!, billing: { tenantId: 't1', keyId: 'k1', tier: 'pro' } } });
    await judge.judge(job);
    expect(written.map((batch) => batch[0].tier)).toEqual(['pro', undefined]);
  });

  it('is unavailable on a failed call or an unreadable verdict, recording the call either way', async () => {
    const written: JudgeCallRecord[] = [];
    const failing = new ModelJudge(async () => Promise.reject(new JudgeCallError('timeout', 'p')), async (r) => written.push(...r), clock, () => 'c2');
    expect(await failing.judge(job)).toEqual({ kind: 'unavailable', reason: 'timeout' });
    expect(written[0].row).toMatchObject({ status: 'error', error_type: 'judge_failed', error_message: 'timeout', cost_usd: 0 });
    const crashing = new ModelJudge(async () => Promise.reject(new Error('boom sk-secret')), async (r) => written.push(...r), clock, () => 'c3');
    expect(await crashing.judge(job)).toEqual({ kind: 'unavailable', reason: 'internal error' });
    const rambling = new ModelJudge(async () => reply('It is good.'), async (r) => written.push(...r), clock, () => 'c4');
    expect(await rambling.judge(job)).toEqual({ kind: 'unavailable', reason: 'verdict is not JSON' });
    expect(written.at(-1)!.row).toMatchObject({ status: 'success', cost_usd: 0.002 });
    expect(JSON.stringify(written)).not.toContain('secret');
  });

  it('keeps a call whose record could not be written and writes it with the next one', async () => {
    let down = true;
    const written: string[] = [];
    let n = 0;
    const judge = new ModelJudge(
      async () => reply('{"score": 5}'),
      async (records) => {
        if (down) throw new Error('database down');
        written.push(...records.map((r) => String(r.row.id)));
      },
      clock,
      () => `c${++n}`,
    );
    await expect(judge.judge(job)).rejects.toThrow('database down');
    down = false;
    await judge.judge(job);
    expect(written).toEqual(['req-1-judge-c1', 'req-1-judge-c2']);
    await judge.judge(job);
    expect(written).toEqual(['req-1-judge-c1', 'req-1-judge-c2', 'req-1-judge-c3']);
  });

  it("skips the call when the judged request's budgets have no room for it: no call, no record", async () => {
    const written: JudgeCallRecord[] = [];
    const asked: Array<[string, ChatRequest, unknown]> = [];
    let room = false;
    const judge = new ModelJudge(
      async () => reply('{"score": 7}'),
      async (r) => written.push(...r),
      clock,
      () => 'c1',
      async (model, request, payer) => (asked.push([model, request, payer]), room),
    );
    expect(await judge.judge({ ...job, judge: { ...job.judge!, billing: { tenantId: 't1', keyId: 'k1', tier: 'pro' } } })).toEqual({ kind: 'skipped', reason: 'budget' });
    expect(written).toEqual([]);
    expect(asked).toEqual([['judge-model', expect.objectContaining({ max_tokens: 64 }), { tenantId: 't1', keyId: 'k1', route: 'support', tier: 'pro' }]]);
    room = true;
    expect(await judge.judge(job)).toEqual({ kind: 'verdict', verdict: { score: 7, reason: '' } });
    expect(written).toHaveLength(1);
    // A judged request without a payer counts in no budget: not checked.
    room = false;
    expect((await judge.judge({ ...job, judge: { ...job.judge!, billing: undefined } })).kind).toBe('verdict');
    expect(asked).toHaveLength(2);
  });
});
