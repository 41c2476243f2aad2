import { sql } from 'kysely';
import { ArmStatsRepository, RequestRecordRepository, type NewRequestRow } from '../../libs/storage/src';
import { SpendLedgerRepository } from '../../libs/storage/src/repositories/spend-ledger.repository';
import { eventually } from '../support/stack';
import { createTestDatabase } from '../support/test-database';

describe('storage on the real Postgres', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let arms: ArmStatsRepository;
  let records: RequestRecordRepository;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    arms = new ArmStatsRepository(testDb.handle.db);
    records = new RequestRecordRepository(testDb.handle.db);
  });
  afterAll(() => testDb.drop());

  const score = (requestId: string, modelId: string, validatorReward: number) => ({
    requestId,
    route: 'r',
    contextKey: '',
    modelId,
    validatorReward,
    results: [{ validator: 'non_empty', passed: validatorReward === 1 }],
    costUsd: 0.01,
    completionTokens: 20,
    discount: 0.5,
    scoredAt: new Date(),
  });

  it('records a score once, even when the same job runs twice concurrently', async () => {
    const outcomes = await Promise.all([arms.recordScore(score('a', 'm1', 1)), arms.recordScore(score('a', 'm1', 1))]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['duplicate', 'recorded']);
    const rows = (await arms.changesAfter(null)).rows;
    expect(rows).toEqual([expect.objectContaining({ model_id: 'm1', successes: 1, failures: 0, observations: 1 })]);
  });

  it("records a score whose validator detail holds text Postgres refuses (a model's tool name with NUL)", async () => {
    const odd = { ...score('odd-text', 'm-odd', 0), route: 'odd', results: [{ validator: 'tool_arguments', passed: false, detail: 'unknown tool "a\u0000b\ud800"' }] };
    expect((await arms.recordScore(odd)).status).toBe('recorded');
  });

  it('decays every arm of the route and credits the scored one', async () => {
    await arms.recordScore(score('b', 'm2', 0));
    const rows = new Map((await arms.changesAfter(null)).rows.map((r) => [r.model_id, r]));
    expect(rows.get('m1')).toMatchObject({ successes: 0.5, failures: 0, observations: 1 });
    expect(rows.get('m2')).toMatchObject({ successes: 0, failures: 1, observations: 1 });
  });

  it('corrects an already scored reward when feedback arrives, and feeds early feedback into scoring', async () => {
    const applied = await arms.applyFeedback('b', 1, 'good', new Date());
    expect(applied).toEqual({ status: 'applied', reward: 0.5 });
    const m2 = (await arms.changesAfter(null)).rows.find((r) => r.model_id === 'm2');
    expect(m2).toMatchObject({ successes: 0.5, failures: 0.5 });

    expect(await arms.applyFeedback('c', 0, null, new Date())).toEqual({ status: 'stored' });
    expect(await arms.recordScore(score('c', 'm1', 1))).toEqual({ status: 'recorded', reward: 0.5 });
    expect(await arms.findScore('c')).toMatchObject({ validator_reward: 1, feedback: 0, reward: 0.5 });
  });

  it('keeps the latest verdict when an older feedback job runs after a newer one (a retry, or two workers)', async () => {
    await arms.recordScore({ ...score('late', 'm-late', 1), route: 'late-route' });
    const newer = new Date('2026-12-06T10:00:02.000Z');
    const older = new Date('2026-12-06T10:00:01.000Z');
    expect(await arms.applyFeedback('late', 0, 'newer', newer)).toEqual({ status: 'applied', reward: 0.5 });
    expect(await arms.applyFeedback('late', 1, 'older', older)).toEqual({ status: 'stale' });
    expect(await arms.findScore('late')).toMatchObject({ feedback: 0, reward: 0.5 });
    const { rows } = await sql<{ score: number; comment: string }>`SELECT score, comment FROM feedback WHERE request_id = 'late'`.execute(testDb.handle.db);
    expect(rows).toEqual([{ score: 0, comment: 'newer' }]);
    expect((await arms.changesAfter(null)).rows.find((r) => r.model_id === 'm-late')).toMatchObject({ successes: 0.5, failures: 0.5 });
  });

  it("weighs feedback by the route's feedback_weight, kept with the score for feedback that comes later", async () => {
    // Weight 1: the user's verdict is the reward, before scoring (early feedback) and after it.
    const verdict = (id: string, modelId: string, v: number) => ({ ...score(id, modelId, v), route: 'rw', feedbackWeight: 1 });
    expect(await arms.applyFeedback('w1', 0, null, new Date())).toEqual({ status: 'stored' });
    expect(await arms.recordScore(verdict('w1', 'mw', 1))).toEqual({ status: 'recorded', reward: 0 });
    expect(await arms.recordScore(verdict('w2', 'mw', 1))).toEqual({ status: 'recorded', reward: 1 });
    expect(await arms.findScore('w2')).toMatchObject({ feedback_weight: 1 });
    expect(await arms.applyFeedback('w2', 0, 'wrong', new Date())).toEqual({ status: 'applied', reward: 0 });
    // Weight 0: feedback is stored and reported but does not move the reward.
    expect(await arms.recordScore({ ...score('w3', 'mw', 1), route: 'rw', feedbackWeight: 0 })).toEqual({ status: 'recorded', reward: 1 });
    expect(await arms.applyFeedback('w3', 0, null, new Date())).toEqual({ status: 'applied', reward: 1 });
    expect(await arms.findScore('w3')).toMatchObject({ feedback: 0, reward: 1 });
    // A score recorded without a weight (an older job) keeps the average.
    expect(await arms.findScore('b')).toMatchObject({ feedback_weight: 0.5 });
  });

  it('teaches both the route level and the prompt context, and corrects both on feedback', async () => {
    await arms.recordScore({ ...score('ctx1', 'm1', 1), route: 'r2', contextKey: 'code|short' });
    await arms.recordScore({ ...score('ctx2', 'm1', 1), route: 'r2', contextKey: 'chat|short' });
    const rows = (await arms.changesAfter(null)).rows.filter((r) => r.route === 'r2');
    const byKey = new Map(rows.map((r) => [r.context_key, r]));
    expect(byKey.get('')).toMatchObject({ successes: 1.5, observations: 2 });
    expect(byKey.get('code|short')).toMatchObject({ successes: 1, observations: 1 });
    expect(byKey.get('chat|short')).toMatchObject({ successes: 1, observations: 1 });
    await arms.applyFeedback('ctx1', 0, null, new Date());
    const after = new Map((await arms.changesAfter(null)).rows.filter((r) => r.route === 'r2').map((r) => [r.context_key, r]));
    expect(after.get('code|short')).toMatchObject({ successes: 0.5, failures: 0.5 });
    expect(after.get('')).toMatchObject({ successes: 1, failures: 0.5 });
  });

  it('records a mixed batch in a fixed number of statements, learning exactly what one score at a time would', async () => {
    // The same 40 scores (2 routes x 3 contexts x 2 models, a duplicate inside the batch, one request
    // scored before, one with early feedback) go in as one batch on routes b*, and one at a time on q*.
    const scores = (prefix: string) =>
      Array.from({ length: 40 }, (_, i) => ({
        ...score(`${prefix}-${i % 37}`, i % 5 < 2 ? 'mx' : 'my', (i * 7) % 5 === 0 ? 0 : 1),
        route: `${prefix}${i % 2}`,
        contextKey: ['', 'code|short', 'chat|long'][i % 3],
        discount: 0.9,
        costUsd: 0.001 * (i + 1),
      }));
    for (const prefix of ['b', 'q']) {
      await arms.recordScore(scores(prefix)[5]);
      await arms.applyFeedback(`${prefix}-11`, 0, null, new Date());
    }
    let statements = 0;
    const counted = new ArmStatsRepository(
      testDb.handle.db.withPlugin({ transformQuery: (args) => ((statements += 1), args.node), transformResult: async (args) => args.result }),
    );
    const batched = await counted.recordScores(scores('b'));
    // Lock, insert, read feedback, read arms, write arms, and one update for the request with feedback.
    expect(statements).toBe(6);
    const single = [];
    for (const s of scores('q')) single.push(await arms.recordScore(s));
    expect(batched).toEqual(single);
    expect(batched.filter((o) => o.status === 'duplicate')).toHaveLength(4);
    const rows = (prefix: string) =>
      (testDb.handle.db.selectFrom('arm_stats').selectAll().where('route', 'like', `${prefix}%`).orderBy('route').orderBy('context_key').orderBy('model_id').execute()).then((all) =>
        all.map((r) => ({ route: r.route.slice(1), context: r.context_key, model: r.model_id, successes: r.successes, failures: r.failures, cost: r.cost_usd, n: r.observations, drift: r.drift_statistic })),
      );
    const [b, q] = await Promise.all([rows('b'), rows('q')]);
    expect(b).toHaveLength(12);
    expect(b).toEqual(q);
  });

  it('reads each write once, including one that commits after a later read began', async () => {
    const { horizon: start } = await arms.changesAfter(null);
    // A writer that takes its transaction id now and commits only after the next read.
    let commit!: () => void;
    const held = new Promise<void>((r) => (commit = r));
    let written!: () => void;
    const inserted = new Promise<void>((r) => (written = r));
    const slow = testDb.handle.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('arm_stats')
        .values({ route: 'late', context_key: '', model_id: 'm', successes: 1, failures: 0, completion_tokens: 1, cost_usd: 0, observations: 1, updated_at: new Date(0) })
        .execute();
      written();
      await held;
    });
    await inserted;
    // The horizon is the oldest transaction in flight in the whole cluster: while another process's
    // transaction is open (another test suite on the same server), rows of earlier tests are read again
    // too, as the product allows. What this test asserts holds whatever else runs: its own two rows.
    const own = (rows: Array<{ route: string }>) => rows.map((r) => r.route).filter((r) => r === 'fast' || r === 'late').sort();
    let second: Awaited<ReturnType<typeof arms.changesAfter>>;
    try {
      await arms.recordScore({ ...score('after-slow', 'm9', 1), route: 'fast' });
      const first = await arms.changesAfter(start);
      expect(own(first.rows)).toEqual(['fast']);
      commit();
      await slow;
      // Its timestamp is older than everything read so far, its transaction id is not: the next read has it.
      // (So has 'fast' again: rows written after the oldest transaction in flight at a read are read once
      // more, the same values; a read by timestamp would have needed a margin as long as any such delay.)
      second = await arms.changesAfter(first.horizon);
    } finally {
      // A failed expectation must not leave the writer's transaction open (the database could not be dropped).
      commit();
      await slow;
    }
    expect(own(second.rows)).toEqual(['fast', 'late']);
    // Once no older transaction is in flight the horizon passes both writes and they are not read again:
    // at once on a quiet server; with other suites' transactions open, after those end (a few reads).
    let horizon = second.horizon;
    await eventually(async () => {
      const next = await arms.changesAfter(horizon);
      horizon = next.horizon;
      expect(own(next.rows)).toEqual([]);
    }, 5_000, 100);
  });

  it('notices a silent regression and sheds the arm\'s old evidence', async () => {
    const at = (i: number, reward: number) => ({ ...score(`drift-${i}`, 'md', reward), route: 'r3', discount: 1 });
    await arms.recordScores(Array.from({ length: 60 }, (_, i) => at(i, 1)));
    await arms.recordScores(Array.from({ length: 20 }, (_, i) => at(100 + i, 0)));
    const row = (await arms.changesAfter(null)).rows.find((r) => r.route === 'r3' && r.context_key === '')!;
    // Without the detector the arm would still hold 60 successes against 20 failures.
    expect(row.successes).toBeLessThan(10);
    expect(row.observations).toBe(80);
  });

  it("marks a context's proven anchor refuted on its drift alarm, for as many of the context's scores as asked", async () => {
    const refute = { policy: { qualityFloor: 0.6, floorConfidence: 0.9, priorSuccesses: 1, priorFailures: 1 }, lasts: 30 };
    const at = (route: string, i: number, modelId: string, reward: number, withRefute = true) => ({
      ...score(`${route}-${i}`, modelId, reward),
      route,
      contextKey: 'code|short',
      discount: 1,
      ...(withRefute ? { refute } : {}),
    });
    const marked = async (route: string) =>
      (await arms.changesAfter(null)).rows.filter((r) => r.route === route && r.refuted_left > 0).map((r) => ({ context: r.context_key, model: r.model_id, left: r.refuted_left }));
    // 'ma' is proven in the context (60 of 60), then every answer fails: the alarm fires within 20.
    await arms.recordScores([...Array.from({ length: 60 }, (_, i) => at('r5', i, 'ma', 1)), at('r5', 60, 'mb', 1)]);
    expect(await marked('r5')).toEqual([]);
    await arms.recordScores(Array.from({ length: 20 }, (_, i) => at('r5', 100 + i, 'ma', 0)));
    const [marker] = await marked('r5');
    // On the context's row of the refuted model only, never on the route level; counted down by the scores after the alarm.
    expect(marker).toMatchObject({ context: 'code|short', model: 'ma' });
    expect(marker.left).toBeGreaterThan(10);
    expect(marker.left).toBeLessThan(30);
    expect(await marked('r5')).toHaveLength(1);
    // Feedback on a score of the marked model keeps the marker as it was.
    await arms.applyFeedback('r5-119', 1, null, new Date());
    expect(await marked('r5')).toEqual([marker]);
    // Each later score of the context counts it down, whichever model answered; it ends at 0.
    await arms.recordScores(Array.from({ length: 5 }, (_, i) => at('r5', 200 + i, 'mb', 1)));
    expect(await marked('r5')).toEqual([{ ...marker, left: marker.left - 5 }]);
    await arms.recordScores(Array.from({ length: marker.left - 5 }, (_, i) => at('r5', 300 + i, 'mb', 1)));
    expect(await marked('r5')).toEqual([]);

    // The same scores without `refute` (no safe exploration on the route): the alarm marks nothing.
    await arms.recordScores([...Array.from({ length: 60 }, (_, i) => at('r6', i, 'ma', 1, false)), ...Array.from({ length: 20 }, (_, i) => at('r6', 100 + i, 'ma', 0, false))]);
    const shed = (await arms.changesAfter(null)).rows.find((r) => r.route === 'r6' && r.context_key === 'code|short' && r.model_id === 'ma')!;
    expect(shed.successes).toBeLessThan(10);
    expect(await marked('r6')).toEqual([]);
  });

  it('writes request records idempotently and rolls their cost up per day', async () => {
    const row = (id: string, cost: number): NewRequestRow => ({
      id,
      created_at: new Date('2026-11-21T10:00:00Z'),
      route: 'r',
      model_id: 'm1',
      provider_id: 'p',
      key_id: null,
      status: 'success',
      http_status: 200,
      error_type: null,
      error_message: null,
      streamed: false,
      prompt_tokens: 10,
      completion_tokens: 5,
      cached_tokens: 0,
      cost_usd: cost,
      latency_ms: 12,
      ttft_ms: null,
      finish_reason: 'stop',
      decision_reason: 'exploit',
      attempts: '[]',
    });
    expect(await records.insertBatch([row('x1', 0.25), row('x2', 0.5)])).toBe(2);
    expect(await records.insertBatch([row('x2', 0.5), row('x3', 1)])).toBe(1);
    expect(await records.count()).toBe(3);
    const spend = await testDb.handle.db.selectFrom('spend_daily').selectAll().execute();
    expect(spend).toEqual([{ day: '2026-11-21', route: 'r', model_id: 'm1', cost_usd: 1.75, requests: 3 }]);
  });

  it("writes a record's spend entry in the same statement, once, and rolls it up per tenant and key", async () => {
    const row = (id: string, cost: number): NewRequestRow => ({ id, created_at: '2026-11-20T23:59:59.500Z', route: 'rs', model_id: 'm1', status: 'success', http_status: 200, streamed: false, prompt_tokens: 1, completion_tokens: 1, cached_tokens: 0, latency_ms: 1, cost_usd: cost, attempts: '[]' });
    const spend = (cost: number, keyId: string | null) => ({ tenantId: 't1', keyId, route: 'rs', modelId: 'm1', costUsd: cost });
    // s2 has no spend entry (refused before reaching a provider); s3's batch is replayed with s4.
    expect(await records.insertBatch([row('s1', 0.25), row('s2', 0), row('s3', 1)], [spend(0.25, 'k1'), undefined, spend(1, null)])).toBe(3);
    expect(await records.insertBatch([row('s3', 1), row('s4', 0.5)], [spend(1, null), spend(0.5, 'k1')])).toBe(1);
    const ledger = new SpendLedgerRepository(testDb.handle.db);
    expect(await ledger.totalFor('tenant', 't1')).toEqual({ costUsd: 1.75, requests: 3 });
    expect(await ledger.rollup({ tenantId: 't1', fromDay: '2026-11-20', toDay: '2026-11-20' })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key_id: 'k1', cost_usd: 0.75, requests: 2 }),
        expect.objectContaining({ key_id: '', cost_usd: 1, requests: 1 }),
      ]),
    );
    expect(await ledger.spentOverDays('key', 'k1', '2026-11-20', '2026-11-20')).toBe(0.75);
  });
});
