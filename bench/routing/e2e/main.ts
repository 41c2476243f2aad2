import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import { Client } from 'pg';
import type { AppConfig } from '../../../libs/config/src';
import { seededRandom } from '../../../libs/core/src';
import { extractPromptContext, hashedPromptFeatures, WORD_MODEL, type LogisticArmState } from '../../../libs/router/src';
import { toWordArm } from '../../../libs/storage/src';
import { loadRoutingYaml } from '../load-routing';
import { ProgressBar } from '../progress';
import { costOf, loadMmlu, STRONG, WEAK, type ReplayItem } from '../routellm-data';
import { formatTable } from '../table';
import { buildAnswerBook, promptOf, VERDICT_VALIDATOR_YAML } from './answer-oracle';
import { LearnedArms, replayLikeTheGateway, type TwinServed } from './library-twin';
import { startOracleUpstream } from './oracle-upstream';
import { E2E_GATEWAY_KEY, startProductStack } from './product-stack';
import { meanAndSd, percentile, perSegment, runMetrics, scoresBehind, type RunMetrics, type ServedOutcome } from './run-metrics';

/**
 * The routing benchmark's MMLU replay through the real product: the official OpenAI SDK -> gateway
 * (HTTP) -> BullMQ on Redis -> scoring worker -> Postgres -> the gateway's learned state, against an
 * upstream that answers as RouteLLM recorded each model. Then the same prompts in the same order
 * through the gateway's routing code called directly, and both learning curves side by side.
 */
const DATASETS = process.env.ROUTING_DATASETS ?? resolve(__dirname, '../../../../../shared/datasets');
const ROUTE = 'mmlu';
const QUARTERS = 4;
/** STATS_REFRESH_MS the gateway runs with (the product default): the poll; workers' announcements trigger reads in between. */
const STATS_REFRESH_MS = 500;

interface Options {
  requests: number;
  concurrency: number;
  seed: number;
  /** Cost weight in quality per mean always-GPT-4 request cost, as the routing bench sweeps it. */
  k: number;
  discount: number;
  /** The route's context_prior_strength (the gateway's default 8; the replay was tuned at 2). */
  priorStrength: number;
  librarySeeds: number;
  /** Gateway runs, each on a fresh database (the gateway's random draws differ from run to run). */
  runs: number;
  sweep: boolean;
  /** The route's learner (prompt_contexts, the default, or hashed_words). */
  learner: string;
  /** WORKER_CONCURRENCY of the worker process (the product default 64 when unset). */
  workerConcurrency?: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '3000' },
      concurrency: { type: 'string', default: '8' },
      seed: { type: 'string', default: '1' },
      k: { type: 'string', default: '0.1' },
      discount: { type: 'string', default: '0.9999' },
      'prior-strength': { type: 'string', default: '8' },
      'library-seeds': { type: 'string', default: '20' },
      runs: { type: 'string', default: '3' },
      sweep: { type: 'boolean', default: false },
      learner: { type: 'string', default: 'prompt_contexts' },
      'worker-concurrency': { type: 'string' },
    },
  });
  return {
    requests: Number(values.requests),
    concurrency: Number(values.concurrency),
    seed: Number(values.seed),
    k: Number(values.k),
    discount: Number(values.discount),
    priorStrength: Number(values['prior-strength']),
    librarySeeds: Number(values['library-seeds']),
    runs: Number(values.runs),
    sweep: values.sweep === true,
    learner: values.learner,
    ...(values['worker-concurrency'] ? { workerConcurrency: values['worker-concurrency'] } : {}),
  };
}

function routerYaml(upstreamUrl: string, costWeight: number, discount: number, priorStrength: number, learner = 'prompt_contexts'): string {
  return [
    'providers:',
    `  - { id: recorded, kind: openai-compatible, base_url: "${upstreamUrl}/v1" }`,
    'models:',
    `  - { id: ${STRONG}, provider: recorded, upstream: ${STRONG}, input_per_1m: 10, output_per_1m: 30, context_window: 128000 }`,
    `  - { id: ${WEAK}, provider: recorded, upstream: ${WEAK}, input_per_1m: 0.6, output_per_1m: 0.6, context_window: 32768 }`,
    'routes:',
    `  - { name: ${ROUTE}, candidates: [${WEAK}, ${STRONG}], quality_floor: 0, discount: ${discount}, cost_weight: ${costWeight}, context_prior_strength: ${priorStrength}, learner: ${learner}, validators: [${VERDICT_VALIDATOR_YAML}] }`,
    '',
  ].join('\n');
}


/** The first `n` items of a seeded Fisher-Yates shuffle (the routing bench's order for that seed). */
function sample(items: readonly ReplayItem[], n: number, seed: number): ReplayItem[] {
  const order = items.map((_, i) => i);
  const shuffle = seededRandom(seed ^ 0x5bd1e995);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(shuffle() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, n).map((i) => items[i]);
}

interface GatewayReply {
  requestId: string;
  modelId: string;
  reason: string;
  billedUsd: number;
}

async function sendAll(gatewayUrl: string, items: readonly ReplayItem[], concurrency: number, label: string): Promise<{ replies: Array<GatewayReply | Error>; seconds: number }> {
  const client = new OpenAI({ baseURL: `${gatewayUrl}/v1`, apiKey: E2E_GATEWAY_KEY, maxRetries: 0, timeout: 60_000 });
  const replies: Array<GatewayReply | Error> = new Array(items.length);
  const progress = new ProgressBar(label, items.length);
  const started = process.hrtime.bigint();
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        const { data, response } = await client.chat.completions.create({ model: ROUTE, messages: [{ role: 'user', content: promptOf(items[i]) }] }).withResponse();
        replies[i] = {
          requestId: data.id,
          modelId: response.headers.get('x-router-model') ?? data.model,
          reason: response.headers.get('x-router-reason') ?? '',
          billedUsd: Number(response.headers.get('x-router-cost-usd') ?? NaN),
        };
      } catch (err) {
        replies[i] = err instanceof Error ? err : new Error(String(err));
      }
      progress.tick();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  progress.finish();
  return { replies, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

interface StoredRequest {
  id: string;
  createdAtMs: number;
  finishedAtMs: number;
  contextKey: string;
  modelId: string | null;
  reward: number | null;
  scoredAtMs: number | null;
  /** The prompt's hashed-word buckets as the gateway sent them to the worker (word learner only). */
  features: number[] | null;
}

async function countScores(db: Client): Promise<number> {
  return Number((await db.query<{ n: string }>('select count(*) as n from scores')).rows[0].n);
}

/** Waits until every served request is scored (or `timeoutMs`); returns how long it took. */
async function drain(db: Client, served: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await countScores(db)) >= served) break;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  return Date.now() - started;
}

async function storedRequests(db: Client): Promise<Map<string, StoredRequest>> {
  const { rows } = await db.query<{ id: string; created_at: Date; latency_ms: number; context_key: string; model_id: string | null; reward: number | null; scored_at: Date | null; features: number[] | null }>(
    'select r.id, r.created_at, r.latency_ms, r.context_key, r.model_id, s.reward, s.scored_at, s.features from requests r left join scores s on s.request_id = r.id',
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        createdAtMs: r.created_at.getTime(),
        finishedAtMs: r.created_at.getTime() + Number(r.latency_ms),
        contextKey: r.context_key,
        modelId: r.model_id,
        reward: r.reward === null ? null : Number(r.reward),
        scoredAtMs: r.scored_at ? r.scored_at.getTime() : null,
        features: r.features,
      },
    ]),
  );
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-');
const pm = (values: number[]) => {
  const { mean, sd } = meanAndSd(values);
  return `${pct(mean)} ± ${(sd * 100).toFixed(1)}`;
};

function libraryRuns(items: readonly ReplayItem[], config: AppConfig, seeds: number, lag: number, refreshEvery = 1): TwinServed[][] {
  const route = config.routes.get(ROUTE)!;
  return Array.from({ length: seeds }, (_, s) => replayLikeTheGateway(items, route, config.models, seededRandom(1000 + s), lag, refreshEvery));
}

function metricRows(label: string, runs: ServedOutcome[][]): string[][] {
  const overall = runs.map((r) => runMetrics(r));
  const quarters = runs.map((r) => perSegment(r, QUARTERS));
  const cell = (pick: (m: RunMetrics) => number, ms: RunMetrics[]) => (runs.length === 1 ? pct(pick(ms[0])) : pm(ms.map(pick)));
  const rows: string[][] = [];
  for (const [name, pick] of [
    ['accuracy', (m: RunMetrics) => m.accuracy],
    ['GPT-4 share', (m: RunMetrics) => m.strongShare],
    ['cost vs always-GPT-4', (m: RunMetrics) => m.costRatio],
  ] as const) {
    rows.push([label, name, cell(pick, overall), ...Array.from({ length: QUARTERS }, (_, q) => cell(pick, quarters.map((x) => x[q])))]);
  }
  return rows;
}

function sweep(items: readonly ReplayItem[], meanStrongCost: number, o: Options): void {
  console.log(`Library-only sweep of k (cost_weight = k / ${meanStrongCost.toExponential(3)} USD), ${o.requests} requests, ${o.librarySeeds} seeds:`);
  const strong = runMetrics(items.map((i) => ({ reward: i.reward[STRONG], strong: true, costUsd: costOf(i, STRONG), strongCostUsd: costOf(i, STRONG) })));
  console.log(`always-GPT-4 accuracy ${pct(strong.accuracy)}`);
  for (const k of [0.02, 0.05, 0.07, 0.1, 0.13, 0.16, 0.2, 0.3]) {
    const config = loadRoutingYaml(routerYaml('http://127.0.0.1:9', k / meanStrongCost, o.discount, o.priorStrength, o.learner));
    const runs = libraryRuns(items, config, o.librarySeeds, 0).map((r) => runMetrics(r));
    console.log(`k=${k}: accuracy ${pm(runs.map((m) => m.accuracy))}, GPT-4 share ${pm(runs.map((m) => m.strongShare))}, cost ${pm(runs.map((m) => m.costRatio))}`);
  }
}

interface LoopStats {
  sent: number;
  failed: number;
  firstError?: string;
  throughput: number;
  scoredWhenTrafficEnded: number;
  scored: number;
  drainMs: number;
  lagMs: number[];
  behind: number[];
  /** Reads of the learned statistics by the gateway while the traffic ran (its /metrics counter). */
  refreshes: number;
  /** Decisions per read of the statistics while the traffic ran. */
  refreshEvery: number;
  effectiveLag: number;
  rewardsAsRecorded: number;
  contextKeysAgree: number;
  featuresAgree: number;
  /** Largest |difference| of a word-model weight: Postgres after the run vs the run's scores replayed in scoring order by the library. */
  wordWeightGap?: { gap: number; largest: number };
  billedUsd: number;
  computedUsd: number;
  reasons: Map<string, number>;
  upstreamStrong: number;
  upstreamWeak: number;
  upstreamUnknown: number;
}

async function storedWordArms(db: Client): Promise<LogisticArmState[]> {
  const { rows } = await db.query('select route, model_id, bits, prior_precision, observations, mean, precision, updated_at from word_arms where route = $1', [ROUTE]);
  return rows.map((r) => toWordArm({ ...r, prior_precision: Number(r.prior_precision) }));
}

/**
 * The learning side checked on its own: the run's scores (the served model, its recorded reward, the
 * prompt's features) replayed through the library's LearnedArms in the order the worker scored them
 * (scored_at, then arrival), and every weight compared with what the worker left in Postgres. Float32
 * storage and scores committed in one batch in another order leave small gaps; a different update
 * rule would leave large ones.
 */
function wordWeightGap(
  stored: LogisticArmState[],
  requests: Map<string, StoredRequest>,
  items: readonly ReplayItem[],
  replies: Array<GatewayReply | Error>,
  priors: Readonly<Record<string, number>> | undefined,
  discount: number,
): { gap: number; largest: number } {
  const scored: Array<{ row: StoredRequest; item: ReplayItem }> = [];
  replies.forEach((r, i) => {
    if (r instanceof Error) return;
    const row = requests.get(r.requestId);
    if (row?.features && row.modelId && row.scoredAtMs !== null) scored.push({ row, item: items[i] });
  });
  scored.sort((a, b) => a.row.scoredAtMs! - b.row.scoredAtMs! || a.row.createdAtMs - b.row.createdAtMs);
  const learned = new LearnedArms(discount);
  for (const { row, item } of scored) {
    const modelId = row.modelId!;
    // The offset each score carried moves only the odds, not the weights compared here.
    learned.record(row.contextKey, { modelId, reward: Number(row.reward), costUsd: costOf(item, modelId), completionTokens: item.outputTokens[modelId] }, { features: Int32Array.from(row.features!), priorQuality: priors?.[modelId] });
  }
  const twin = new Map(learned.wordArmsFor(stored.map((a) => a.modelId), priors).map((a) => [a.modelId, a]));
  let gap = 0;
  let largest = 0;
  for (const arm of stored) {
    const other = twin.get(arm.modelId)!;
    // The means: every other number of the weights (bucket k's mean at 2k).
    for (let k = 0; k < arm.weights.length; k += 2) {
      gap = Math.max(gap, Math.abs(arm.weights[k] - other.weights[k]));
      largest = Math.max(largest, Math.abs(arm.weights[k]));
    }
  }
  return { gap, largest };
}

/** The gateway's count of statistics reads (`router_learned_refreshes_total` on /metrics). */
async function learnedRefreshes(gatewayUrl: string): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('router_learned_refreshes_total '));
  if (!line) throw new Error('router_learned_refreshes_total missing from /metrics');
  return Number(line.split(' ')[1]);
}

/** One run of the product from a fresh database: every prompt through the SDK, then the scores from Postgres. */
async function runGatewayOnce(book: ReturnType<typeof buildAnswerBook>, items: readonly ReplayItem[], costWeight: number, o: Options, label: string): Promise<{ served: ServedOutcome[]; loop: LoopStats }> {
  const upstream = await startOracleUpstream(book);
  const yaml = routerYaml(upstream.url, costWeight, o.discount, o.priorStrength, o.learner);
  const stack = await startProductStack(yaml, { STATS_REFRESH_MS: String(STATS_REFRESH_MS), ...(o.workerConcurrency ? { WORKER_CONCURRENCY: o.workerConcurrency } : {}) });
  const db = new Client({ connectionString: stack.databaseUrl });
  let replies: Array<GatewayReply | Error>;
  let seconds: number;
  let scoredWhenTrafficEnded: number;
  let drainMs: number;
  let stored: Map<string, StoredRequest>;
  let refreshes = 0;
  let words: LogisticArmState[] = [];
  try {
    await db.connect();
    const refreshesBefore = await learnedRefreshes(stack.gatewayUrl);
    ({ replies, seconds } = await sendAll(stack.gatewayUrl, items, o.concurrency, label));
    refreshes = (await learnedRefreshes(stack.gatewayUrl)) - refreshesBefore;
    scoredWhenTrafficEnded = await countScores(db);
    const servedCount = replies.filter((r) => !(r instanceof Error)).length;
    drainMs = await drain(db, servedCount, 120_000);
    // The gateway writes request rows in batches (RECORD_FLUSH_MS) before it enqueues their scoring:
    // once every score is in, every row is.
    stored = await storedRequests(db);
    words = o.learner === 'hashed_words' ? await storedWordArms(db) : [];
  } finally {
    await db.end().catch(() => undefined);
    await stack.close();
    await upstream.close();
  }

  // The run in sending order, judged by the recorded outcome of the model that answered.
  const served: ServedOutcome[] = [];
  const errors = replies.filter((r): r is Error => r instanceof Error);
  const loop: LoopStats = {
    sent: items.length,
    failed: errors.length,
    firstError: errors[0]?.message.slice(0, 80),
    throughput: 0,
    scoredWhenTrafficEnded,
    scored: 0,
    drainMs,
    lagMs: [],
    behind: [],
    refreshes,
    refreshEvery: 0,
    effectiveLag: 0,
    rewardsAsRecorded: 0,
    contextKeysAgree: 0,
    featuresAgree: 0,
    billedUsd: 0,
    computedUsd: 0,
    reasons: new Map(),
    upstreamStrong: upstream.calls.get(STRONG) ?? 0,
    upstreamWeak: upstream.calls.get(WEAK) ?? 0,
    upstreamUnknown: upstream.unknown,
  };
  replies.forEach((r, i) => {
    if (r instanceof Error) return;
    const item = items[i];
    const reward = item.reward[r.modelId];
    served.push({ reward, strong: r.modelId === STRONG, costUsd: costOf(item, r.modelId), strongCostUsd: costOf(item, STRONG) });
    loop.billedUsd += r.billedUsd;
    loop.computedUsd += costOf(item, r.modelId);
    loop.reasons.set(r.reason, (loop.reasons.get(r.reason) ?? 0) + 1);
    const row = stored.get(r.requestId);
    if (row?.contextKey === extractPromptContext({ ...item.request, model: ROUTE }, {}).contextKey) loop.contextKeysAgree++;
    if (row?.features && row.features.join() === [...hashedPromptFeatures({ ...item.request, model: ROUTE }, { bits: WORD_MODEL.bits })].join()) loop.featuresAgree++;
    if (row?.reward !== null && row?.reward !== undefined) {
      loop.scored++;
      if (row.reward === reward) loop.rewardsAsRecorded++;
      if (row.scoredAtMs !== null) loop.lagMs.push(row.scoredAtMs - row.finishedAtMs);
    }
  });
  if (words.length) loop.wordWeightGap = wordWeightGap(words, stored, items, replies, loadRoutingYaml(yaml).routes.get(ROUTE)!.priorQuality, o.discount);
  const rows = [...stored.values()].filter((r) => r.modelId !== null);
  loop.behind = scoresBehind(
    rows.map((r) => r.createdAtMs),
    rows.filter((r) => r.scoredAtMs !== null).map((r) => r.scoredAtMs!),
  );
  loop.throughput = served.length / seconds;
  // Scores recorded but not yet read by the gateway: on average half the decisions between two reads.
  loop.refreshEvery = Math.max(1, Math.round(served.length / Math.max(1, refreshes)));
  loop.effectiveLag = Math.round(percentile(loop.behind, 50) + loop.refreshEvery / 2);
  return { served, loop };
}

async function main(): Promise<void> {
  const o = options();
  const mmlu = loadMmlu(`${DATASETS}/routellm-evals`);
  const book = buildAnswerBook(mmlu.items);
  const usable = mmlu.items.filter((i) => book.byPrompt.has(promptOf(i)));
  const meanStrongCost = mmlu.items.reduce((s, i) => s + costOf(i, STRONG), 0) / mmlu.items.length;
  const costWeight = k2costWeight(o.k, meanStrongCost);
  const items = sample(usable, o.requests, o.seed);
  if (o.sweep) return sweep(items, meanStrongCost, o);

  const gateway: Array<{ served: ServedOutcome[]; loop: LoopStats }> = [];
  for (let run = 0; run < o.runs; run++) gateway.push(await runGatewayOnce(book, items, costWeight, o, `gateway e2e run ${run + 1}/${o.runs}`));
  const config = loadRoutingYaml(routerYaml('http://127.0.0.1:9', costWeight, o.discount, o.priorStrength, o.learner));
  const effectiveLag = Math.round(meanAndSd(gateway.map((g) => g.loop.effectiveLag)).mean);
  const immediate = libraryRuns(items, config, o.librarySeeds, 0);
  const lagged = libraryRuns(items, config, o.librarySeeds, effectiveLag);
  // As the gateway learns: scores the worker recorded (median backlog) become visible together once per
  // statistics poll, so each poll period's requests decide on one state.
  const workerLag = Math.round(meanAndSd(gateway.map((g) => percentile(g.loop.behind, 50))).mean);
  const refreshEvery = Math.max(1, Math.round(meanAndSd(gateway.map((g) => g.loop.refreshEvery)).mean));
  const bursty = libraryRuns(items, config, o.librarySeeds, workerLag, refreshEvery);
  const burstyLabel = `scores ${workerLag} requests late, read every ${refreshEvery}`;
  const alwaysStrong = items.map((i) => ({ reward: i.reward[STRONG], strong: true, costUsd: costOf(i, STRONG), strongCostUsd: costOf(i, STRONG) }));
  const alwaysWeak = items.map((i) => ({ reward: i.reward[WEAK], strong: false, costUsd: costOf(i, WEAK), strongCostUsd: costOf(i, STRONG) }));

  console.log(`## Routing end to end: MMLU replay through the gateway, BullMQ and the worker vs the library\n`);
  console.log(
    `${items.length} MMLU prompts (seeded order, seed ${o.seed}, ${book.ambiguous.size} prompts recorded twice with different outcomes left out); ` +
      `route "${ROUTE}": [${WEAK}, ${STRONG}], quality_floor 0, discount ${o.discount}, learner ${o.learner}, cost_weight ${costWeight} ` +
      `(k ${o.k} per mean GPT-4 request cost of ${meanStrongCost.toExponential(3)} USD); concurrency ${o.concurrency}; STATS_REFRESH_MS ${STATS_REFRESH_MS}. ` +
      `Gateway: ${o.runs} run(s), each from a fresh database; library: ${o.librarySeeds} seeds. Cells: mean ± sd (percentage points).\n`,
  );
  const header = ['run', 'metric', 'whole run', ...Array.from({ length: QUARTERS }, (_, q) => `Q${q + 1}`)];
  console.log(
    formatTable(header, [
      ...metricRows(`gateway e2e (${o.runs} run${o.runs > 1 ? 's' : ''})`, gateway.map((g) => g.served)),
      ...metricRows('library, scores applied at once', immediate),
      ...metricRows(`library, scores ${effectiveLag} requests late`, lagged),
      ...metricRows(`library, ${burstyLabel}`, bursty),
      ...metricRows('always-GPT-4', [alwaysStrong]).slice(0, 1),
      ...metricRows('always-Mixtral', [alwaysWeak]).filter((_, i) => i !== 1),
    ]),
  );
  const z = (pick: (m: RunMetrics) => number, gw: RunMetrics, lib: RunMetrics[]) => {
    const { mean, sd } = meanAndSd(lib.map(pick));
    return sd > 0 ? ((pick(gw) - mean) / sd).toFixed(1) : '-';
  };
  for (const [name, lib] of [
    ['scores applied at once', immediate],
    [`scores ${effectiveLag} requests late`, lagged],
    [burstyLabel, bursty],
  ] as const) {
    console.log(`\nEach gateway run against the library (${name}): z = (gateway - library mean) / library sd`);
    const libWhole = lib.map((r) => runMetrics(r));
    const libQ = lib.map((r) => perSegment(r, QUARTERS));
    gateway.forEach((g, i) => {
      const w = runMetrics(g.served);
      const q = perSegment(g.served, QUARTERS);
      console.log(
        `  run ${i + 1}: whole run accuracy ${z((m) => m.accuracy, w, libWhole)}, GPT-4 share ${z((m) => m.strongShare, w, libWhole)}, cost ${z((m) => m.costRatio, w, libWhole)}; ` +
          `GPT-4 share per quarter ${q.map((x, j) => z((m) => m.strongShare, x, libQ.map((y) => y[j]))).join(', ')}`,
      );
    });
  }

  const exploreShare = (reasons: string[]) => reasons.filter((r) => r === 'explore').length / reasons.length;
  console.log(
    `\nShare of decisions labelled explore: gateway ${pm(gateway.map((g) => (g.loop.reasons.get('explore') ?? 0) / (g.loop.sent - g.loop.failed)))}; ` +
      `library at once ${pm(immediate.map((r) => exploreShare(r.map((s) => s.reason))))}, ${burstyLabel} ${pm(bursty.map((r) => exploreShare(r.map((s) => s.reason))))}`,
  );
  console.log('\nThe loop, per gateway run:');
  const each = (f: (l: LoopStats) => string) => gateway.map((g) => f(g.loop));
  console.log(
    formatTable(
      ['measure', ...gateway.map((_, i) => `run ${i + 1}`)],
      [
        ['requests sent / served / failed', ...each((l) => `${l.sent} / ${l.sent - l.failed} / ${l.failed}${l.firstError ? ` (${l.firstError})` : ''}`)],
        ['throughput (req/s)', ...each((l) => l.throughput.toFixed(0))],
        ['scored when the last answer arrived', ...each((l) => `${l.scoredWhenTrafficEnded} (${pct(l.scoredWhenTrafficEnded / (l.sent - l.failed))})`)],
        ['scored after the queue drained', ...each((l) => `${l.scored} (${pct(l.scored / (l.sent - l.failed))}) ${l.drainMs} ms later`)],
        ['worker lag, answer to score recorded, ms: p50 / p95 / max', ...each((l) => `${percentile(l.lagMs, 50)} / ${percentile(l.lagMs, 95)} / ${percentile(l.lagMs, 100)}`)],
        ['scores pending at a decision, requests: p50 / p95 / max', ...each((l) => `${percentile(l.behind, 50)} / ${percentile(l.behind, 95)} / ${percentile(l.behind, 100)}`)],
        ['reads of the statistics during the traffic (decisions per read)', ...each((l) => `${l.refreshes} (${l.refreshEvery})`)],
        ['learning delay: pending scores p50 + half the decisions per read, requests', ...each((l) => String(l.effectiveLag))],
        ['rewards applied = recorded correctness', ...each((l) => `${l.rewardsAsRecorded} / ${l.scored}`)],
        ['context keys: gateway = library', ...each((l) => `${l.contextKeysAgree} / ${l.sent - l.failed}`)],
        ...(o.learner === 'hashed_words'
          ? [
              ['word features scored: gateway = library', ...each((l) => `${l.featuresAgree} / ${l.sent - l.failed}`)],
              ['word weights: largest |Postgres - library replay of the same scores| (largest |weight|)', ...each((l) => (l.wordWeightGap ? `${l.wordWeightGap.gap.toExponential(1)} (${l.wordWeightGap.largest.toFixed(2)})` : '-'))],
            ]
          : []),
        ['billed (x-router-cost-usd) / recorded tokens x list price, USD', ...each((l) => `${l.billedUsd.toFixed(4)} / ${l.computedUsd.toFixed(4)}`)],
        ['decision reasons', ...each((l) => [...l.reasons.entries()].map(([k, v]) => `${k} ${v}`).join(', '))],
        ['upstream calls gpt-4 / mixtral / unknown prompt', ...each((l) => `${l.upstreamStrong} / ${l.upstreamWeak} / ${l.upstreamUnknown}`)],
      ],
    ),
  );
}

/** The routing bench's cost-weight unit: k quality points per mean always-GPT-4 request cost. */
function k2costWeight(k: number, meanStrongCost: number): number {
  return Math.round((k / meanStrongCost) * 10) / 10;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
