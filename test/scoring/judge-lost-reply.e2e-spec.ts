import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { startGateway, type RunningGateway } from '../../apps/gateway/src/gateway';
import { startWorker, type RunningWorker } from '../../apps/worker/src/worker';
import { budgetCounterKey, budgetsInForce, periodWindow, RedisCounterStore, roundNano, SettledSpendCounter } from '../../libs/budget/src';
import { loadConfig } from '../../libs/config/src';
import { systemClock } from '../../libs/core/src';
import { ProviderRegistry } from '../../libs/providers/src';
import { InProcessJobQueue } from '../../libs/queue/src';
import { judgeBudgetRoom, judgeCallWriter, judgeModelCaller } from '../../libs/scoring/src/judge/call-judge-model';
import { ModelJudge } from '../../libs/scoring/src/judge/model-judge';
import { ScoreJobHandler } from '../../libs/scoring/src/score-job.handler';
import { ArmStatsRepository, RequestRecordRepository } from '../../libs/storage/src';
import { BudgetRepository } from '../../libs/storage/src/repositories/budget.repository';
import { admin, ADMIN_KEY, chat, newKey } from '../budget/budget-support';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { ReplyLosingProxy } from '../resilience/support/reply-losing-proxy';
import { eventually, routerYaml, testSettings } from '../support/stack';
import { createTestDatabase, REDIS_URL } from '../support/test-database';
import { judgedScoreJob } from './judged-score-job';

const VERDICT = '{"score": 6, "reason": "Fair."}';
const ROUTE = '  - { name: judged, candidates: [cheap], budget_usd_per_day: 10, judge: { model: strong, sample_rate: 1 } }\n';

function isJudgeCall(body: Record<string, unknown>): boolean {
  const first = (body.messages as Array<{ role: string; content: unknown }>)[0];
  return first?.role === 'system' && String(first.content).startsWith('You grade the answer');
}

/** The budget counters' add (a Lua script) of a judge call's spend, as it goes to Redis. */
const isBudgetAdd = (command: string) => /evalsha|\beval\b/i.test(command) && command.includes(':budget:b:');

/** Loads the counter scripts into Redis, so the first add of the process under test is one EVALSHA that Redis runs. */
async function loadCounterScripts(): Promise<void> {
  const warm = new RedisCounterStore(REDIS_URL, `t${randomBytes(4).toString('hex')}:budget`);
  await warm.add([{ key: 'warm', amount: 1, ttlMs: 1_000 }]);
  await warm.close();
}

/** How the add whose reply was lost runs again, and the judge calls made at least (a retried job pays for a new call). */
const RETRIES = [
  ['ioredis resends it on its next connection', 0, 1],
  ['it fails (Redis unreachable for a while), and the queue retries the job: a second judge call, written and counted with the first', 1_500, 2],
] as const;

/**
 * A judge call's spend added to the budget counters in Redis, whose reply is lost: Redis ran the add,
 * the worker does not know it, and the add runs again. The call counts once: the add carries the
 * call's record id, which the script sets (SET NX) with the counters.
 */
describe.each(RETRIES)("a judge call's budget count whose Redis reply is lost, when %s", (_how, refuseForMs, minJudgeCalls) => {
  let upstream: FakeOpenAI;
  let proxy: ReplyLosingProxy;

  beforeAll(async () => {
    upstream = await startFakeOpenAI((body) => ({ kind: 'text', content: isJudgeCall(body) ? VERDICT : 'Hello!' }));
    proxy = await ReplyLosingProxy.start(Number(new URL(REDIS_URL).port || 6379));
    await loadCounterScripts();
  });
  afterAll(async () => {
    await proxy.close();
    await upstream.close();
  });

  describe('a BullMQ worker (its Redis through the proxy)', () => {
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let gateway: RunningGateway;
    let worker: RunningWorker;

    beforeAll(async () => {
      database = await createTestDatabase();
      const env = { ...testSettings(routerYaml(upstream.url, ROUTE), 'router-judge-lost-'), DATABASE_URL: database.url, ADMIN_API_KEY: ADMIN_KEY };
      gateway = await startGateway(loadConfig({ ...env, REDIS_URL }), { log: () => undefined });
      worker = await startWorker(loadConfig({ ...env, REDIS_URL: proxy.rewrite(REDIS_URL) }));
    });
    afterAll(async () => {
      await gateway?.close();
      await worker?.close();
      await database?.drop();
    });

    it("counts the call once in the tenant's budget: the counter matches the ledger", async () => {
      const base = gateway.url;
      await admin(base, 'POST', '/v1/admin/tenants', { id: 'acme' });
      const { id: keyId, key } = await newKey(base, { tenant_id: 'acme' });
      const budget = await admin<{ id: string }>(base, 'POST', '/v1/admin/budgets', { scope: 'tenant', subject: 'acme', period: 'day', hard_limit_usd: 10 });
      const db = database.handle.db;
      const lostBefore = proxy.lost;
      proxy.loseNextReply(isBudgetAdd, refuseForMs);
      const served = await chat(base, key, 'judged');
      expect(served.status).toBe(200);
      await eventually(async () => {
        if (!(await gateway.runtime.arms.findScore(String(served.json.id)))) throw new Error('not scored yet');
      }, 20_000);
      expect(proxy.lost).toBe(lostBefore + 1);
      const calls = await db.selectFrom('requests').select(['id', 'cost_usd']).where('kind', '=', 'judge').where('key_id', '=', keyId).execute();
      expect(calls.length).toBeGreaterThanOrEqual(minJudgeCalls);
      const { rows } = await sql<{ cost: number }>`select sum(cost_usd) as cost from spend_ledger where tenant_id = 'acme'`.execute(db);
      const ledger = Number(rows[0].cost);
      expect(ledger).toBeGreaterThan(0);
      await eventually(async () => {
        const list = await admin<{ data: Array<{ id: string; spent_usd: number }> }>(base, 'GET', '/v1/admin/budgets?scope=tenant&subject=acme');
        const spent = list.data.find((b) => b.id === budget.id)!.spent_usd;
        if (Math.abs(spent - ledger) > 1e-9) throw new Error(`budget spent_usd ${spent}, ledger ${ledger}`);
      });
    });
  });

  describe('the in-process queue (counters on Redis through the proxy)', () => {
    let database: Awaited<ReturnType<typeof createTestDatabase>>;

    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(async () => {
      await database?.drop();
    });

    it("counts the call once in the route's daily budget: the counter matches the ledger", async () => {
      const prefix = `t${randomBytes(4).toString('hex')}:budget`;
      const config = loadConfig({ ...testSettings(routerYaml(upstream.url, ROUTE)), DATABASE_URL: database.url });
      const counters = new RedisCounterStore(proxy.rewrite(REDIS_URL), prefix);
      const direct = new RedisCounterStore(REDIS_URL, prefix);
      const db = database.handle.db;
      const budgetSpend = new SettledSpendCounter(() => budgetsInForce(config, new BudgetRepository(db)), counters, systemClock);
      const judge = new ModelJudge(judgeModelCaller(config.models, new ProviderRegistry(config.providers)), judgeCallWriter(new RequestRecordRepository(db), budgetSpend), systemClock, undefined, judgeBudgetRoom(config.models, budgetSpend));
      const handler = new ScoreJobHandler(new ArmStatsRepository(db), systemClock, () => undefined, judge);
      const queue = new InProcessJobQueue((job) => handler.handle(job).then(() => undefined), { concurrency: 1, baseDelayMs: 100 });
      try {
        const lostBefore = proxy.lost;
        proxy.loseNextReply(isBudgetAdd, refuseForMs);
        await queue.add(judgedScoreJob('chatcmpl-lost-reply'));
        await queue.drain();
        expect(await queue.deadLetterCount()).toBe(0);
        expect(proxy.lost).toBe(lostBefore + 1);
        expect(await new ArmStatsRepository(db).findScore('chatcmpl-lost-reply')).toBeTruthy();
        const calls = await db.selectFrom('requests').select(['id', 'cost_usd']).where('kind', '=', 'judge').execute();
        expect(calls.length).toBeGreaterThanOrEqual(minJudgeCalls);
        const cost = calls.reduce((s, c) => s + roundNano(Number(c.cost_usd)), 0);
        expect(cost).toBeGreaterThan(0);
        const today = periodWindow({ kind: 'day' }, Date.now()).buckets[0];
        expect(await direct.sums([[budgetCounterKey('config_judged', today)]])).toEqual([cost]);
      } finally {
        await queue.close();
        await counters.close();
        await direct.close();
      }
    });
  });
});
