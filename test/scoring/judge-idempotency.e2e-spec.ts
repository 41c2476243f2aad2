import { judgeCallWriter, judgeModelCaller } from '../../libs/scoring/src/judge/call-judge-model';
import { budgetCounterKey, budgetsInForce, InProcessCounterStore, periodWindow, roundNano, SettledSpendCounter } from '../../libs/budget/src';
import { loadConfig, type AppConfig } from '../../libs/config/src';
import { systemClock } from '../../libs/core/src';
import { ProviderRegistry } from '../../libs/providers/src';
import { buildJudgeRequest } from '../../libs/scoring/src/judge/judge-prompt';
import { ModelJudge } from '../../libs/scoring/src/judge/model-judge';
import { ScoreJobHandler } from '../../libs/scoring/src/score-job.handler';
import { ArmStatsRepository, RequestRecordRepository } from '../../libs/storage/src';
import { BudgetRepository } from '../../libs/storage/src/repositories/budget.repository';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { routerYaml, testSettings } from '../support/stack';
import { createTestDatabase } from '../support/test-database';
import { judgedScoreJob } from './judged-score-job';

describe('a judged score job handled twice (a retry, a duplicate)', () => {
  let upstream: FakeOpenAI;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let config: AppConfig;

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: '{"score": 3, "reason": "Thin."}' }));
    database = await createTestDatabase();
    config = loadConfig({ ...testSettings(routerYaml(upstream.url, '  - { name: judged, candidates: [cheap], budget_usd_per_day: 10, judge: { model: strong, sample_rate: 1 } }\n')), DATABASE_URL: database.url });
  });
  afterAll(async () => {
    await database.drop();
    await upstream.close();
  });

  it('counts once and calls the judge once: a job whose score is recorded makes no second paid call', async () => {
    const arms = new ArmStatsRepository(database.handle.db);
    const requests = new RequestRecordRepository(database.handle.db);
    const counters = new InProcessCounterStore(systemClock);
    const budgetSpend = new SettledSpendCounter(() => budgetsInForce(config, new BudgetRepository(database.handle.db)), counters, systemClock);
    const judge = new ModelJudge(judgeModelCaller(config.models, new ProviderRegistry(config.providers)), judgeCallWriter(requests, budgetSpend), systemClock);
    const handler = new ScoreJobHandler(arms, systemClock, () => undefined, judge);
    const job = judgedScoreJob('chatcmpl-judged-twice');
    expect(await handler.handle(job)).toEqual({ status: 'recorded', reward: 2 / 9 });
    expect(await handler.handle(job)).toEqual({ status: 'duplicate' });
    expect(upstream.requests).toHaveLength(1);
    const arm = (await arms.changesAfter(null)).rows.find((r) => r.route === 'judged' && r.context_key === '' && r.model_id === 'cheap')!;
    expect(arm.successes + arm.failures).toBeCloseTo(1, 9);
    expect(arm.successes).toBeCloseTo(2 / 9, 9);
    const judgeRecords = await database.handle.db.selectFrom('requests').select(['id', 'cost_usd']).where('kind', '=', 'judge').execute();
    expect(judgeRecords).toHaveLength(1);
    // Its cost counted once in the route's daily budget (budget_usd_per_day), as the gateways count spend.
    expect(judgeRecords[0].cost_usd).toBeGreaterThan(0);
    const today = periodWindow({ kind: 'day' }, Date.now()).buckets[0];
    expect(await counters.sums([[budgetCounterKey('config_judged', today)]])).toEqual([roundNano(judgeRecords[0].cost_usd!)]);
  });

  it("asks a judge model without structured outputs for a JSON object, and the one with them for the verdict's schema", async () => {
    const yaml = routerYaml(upstream.url).replace('context_window: 16000,', 'context_window: 16000, capabilities: { json_schema: false },');
    const plain = loadConfig({ ...testSettings(yaml), DATABASE_URL: database.url });
    const call = judgeModelCaller(plain.models, new ProviderRegistry(plain.providers));
    const request = buildJudgeRequest({ conversation: [{ role: 'user', text: 'Hi' }], answer: 'Hello.', truncated: false }, { maxTokens: 64 });
    expect(await call('cheap', request)).toMatchObject({ content: '{"score": 3, "reason": "Thin."}', providerId: 'fake' });
    expect(upstream.requests.at(-1)).toMatchObject({ model: 'cheap-upstream', response_format: { type: 'json_object' } });
    await call('strong', request);
    expect(upstream.requests.at(-1)).toMatchObject({ model: 'strong-upstream', response_format: { type: 'json_schema', json_schema: { name: 'judge_verdict', strict: true } } });
  });
});
