import { seededRandom, type Random } from '../../libs/core/src';
import { extractPromptContext, hashedPromptFeatures, type Candidate, type HashedFeatureOptions, type PromptContext } from '../../libs/router/src';
import { apgr, cpt, firstReaching, type CurvePoint } from './metrics';
import type { ProgressBar } from './progress';
import type { BenchRouter } from './routers';
import { costOf, STRONG, WEAK, type ReplayDataset } from './routellm-data';

/**
 * REPLAY_FULL_INFORMATION=1: every router also learns the outcome of the model it did not pick (a
 * diagnostic, routing round 16b); =weak / =strong: only when the model not picked is that one (round 24:
 * which model's missing outcomes cost the partial-feedback row).
 */
const FULL_INFORMATION = process.env.REPLAY_FULL_INFORMATION;
const learnsOther = (other: string) => FULL_INFORMATION === '1' || (FULL_INFORMATION === 'weak' && other === WEAK) || (FULL_INFORMATION === 'strong' && other === STRONG);
/** REPLAY_FULL_INFORMATION_SHARE=f: with a one-model REPLAY_FULL_INFORMATION, that model's outcome is learned on a random share f of the requests only (its own random stream). */
const FULL_INFORMATION_SHARE = Number(process.env.REPLAY_FULL_INFORMATION_SHARE ?? 1);

/** REPLAY_SCORE_FROM=f: count only the requests after the first f of the run (a diagnostic of the learned state; the always-* anchors stay whole-run). */
const SCORE_FROM = Number(process.env.REPLAY_SCORE_FROM ?? 0);

/** Builds a router for one knob value (the quality floor or the chance of the strong model) and seed. */
export type KnobRouterFactory = (knob: number, random: Random, dataset: PreparedDataset) => BenchRouter;

export interface SweepPoint {
  knob: number;
  quality: number;
  strongShare: number;
  /** Cost relative to sending everything to the strong model. */
  costRatio: number;
}

export interface ReplaySummary {
  router: string;
  dataset: string;
  points: SweepPoint[];
  apgr: number;
  cpt50: number;
  cpt80: number;
  /** Cost ratio at which quality reaches 95% of the strong model's (interpolated along the sweep). */
  costAt95: number | undefined;
  /** Share of strong-model calls at which quality reaches 95% of the strong model's (interpolated). */
  shareAt95: number | undefined;
  weakQuality: number;
  strongQuality: number;
}

export interface PreparedDataset {
  dataset: ReplayDataset;
  contexts: PromptContext[];
  hashed: Int32Array[];
  weakQuality: number;
  strongQuality: number;
  strongCost: number;
  /** Cost of always-weak relative to always-strong. */
  weakCostRatio: number;
}

export function prepare(dataset: ReplayDataset, hashing: HashedFeatureOptions = {}): PreparedDataset {
  const contexts = dataset.items.map((i) => extractPromptContext(i.request));
  const hashed = dropCommon(dataset.items.map((i) => hashedPromptFeatures(i.request, hashing)));
  const n = dataset.items.length;
  let weak = 0;
  let strong = 0;
  let strongCost = 0;
  let weakCost = 0;
  for (const item of dataset.items) {
    weak += dataset.qualityOf(item.reward[WEAK]);
    strong += dataset.qualityOf(item.reward[STRONG]);
    strongCost += costOf(item, STRONG);
    weakCost += costOf(item, WEAK);
  }
  return { dataset, contexts, hashed, weakQuality: weak / n, strongQuality: strong / n, strongCost: strongCost / n, weakCostRatio: weakCost / strongCost };
}

/**
 * One online pass from cold start: the items in a seeded random order (`epochs` times over, each
 * reshuffled), the router sees each prompt's context, picks, and learns only the picked model's reward.
 */
export function replayOnce(p: PreparedDataset, router: BenchRouter, seed: number, epochs = 1): Omit<SweepPoint, 'knob'> {
  const order = p.dataset.items.map((_, i) => i);
  const shuffle = seededRandom(seed ^ 0x5bd1e995);
  let quality = 0;
  let strongCalls = 0;
  let cost = 0;
  let n = 0;
  let seen = 0;
  const freeDraw = seededRandom(seed ^ 0x2545f491);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(shuffle() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const idx of order) {
      const item = p.dataset.items[idx];
      const context = p.contexts[idx];
      const hashed = p.hashed[idx];
      const candidates: Candidate[] = [
        { modelId: WEAK, expectedCostUsd: costOf(item, WEAK), eligible: true },
        { modelId: STRONG, expectedCostUsd: costOf(item, STRONG), eligible: true },
      ];
      const model = router.choose({ contextKey: context.contextKey, vector: context.vector, hashed, candidates }).ranked[0];
      const reward = item.reward[model];
      const costUsd = costOf(item, model);
      router.observe(context.contextKey, context.vector, { modelId: model, reward, costUsd, completionTokens: item.outputTokens[model] }, hashed);
      const other = model === STRONG ? WEAK : STRONG;
      if (FULL_INFORMATION !== undefined && learnsOther(other) && (FULL_INFORMATION_SHARE >= 1 || freeDraw() < FULL_INFORMATION_SHARE)) {
        // Diagnostic: the other model's outcome too, as if both had answered (the learner's ceiling without exploration).
        router.observe(context.contextKey, context.vector, { modelId: other, reward: item.reward[other], costUsd: costOf(item, other), completionTokens: item.outputTokens[other] }, hashed);
      }
      if (seen++ < SCORE_FROM * order.length * epochs) continue;
      quality += p.dataset.qualityOf(reward);
      cost += costUsd;
      if (model === STRONG) strongCalls++;
      n++;
    }
  }
  return { quality: quality / n, strongShare: strongCalls / n, costRatio: cost / n / p.strongCost };
}

export function sweep(
  p: PreparedDataset,
  name: string,
  factory: KnobRouterFactory,
  knobs: number[],
  seeds: number[],
  epochs: number,
  progress?: ProgressBar,
): ReplaySummary {
  const points: SweepPoint[] = knobs.map((knob) => {
    let quality = 0;
    let strongShare = 0;
    let costRatio = 0;
    for (const seed of seeds) {
      const r = replayOnce(p, factory(knob, seededRandom(seed), p), seed, epochs);
      quality += r.quality;
      strongShare += r.strongShare;
      costRatio += r.costRatio;
      progress?.tick();
    }
    return { knob, quality: quality / seeds.length, strongShare: strongShare / seeds.length, costRatio: costRatio / seeds.length };
  });
  return summarize(p, name, points);
}

export function summarize(p: PreparedDataset, name: string, points: SweepPoint[]): ReplaySummary {
  const curve: CurvePoint[] = points.map((x) => ({ strongShare: x.strongShare, quality: x.quality }));
  const anchors = [
    { x: p.weakCostRatio, y: p.weakQuality },
    { x: 1, y: p.strongQuality },
  ];
  const costCurve = [...anchors, ...points.map((x) => ({ x: x.costRatio, y: x.quality }))];
  return {
    router: name,
    dataset: p.dataset.name,
    points,
    apgr: apgr(curve, p.weakQuality, p.strongQuality),
    cpt50: cpt(curve, p.weakQuality, p.strongQuality, 0.5),
    cpt80: cpt(curve, p.weakQuality, p.strongQuality, 0.8),
    costAt95: firstReaching(costCurve, 0.95 * p.strongQuality, (q) => q.y),
    shareAt95: firstReaching(
      [{ x: 0, y: p.weakQuality }, { x: 1, y: p.strongQuality }, ...points.map((x) => ({ x: x.strongShare, y: x.quality }))],
      0.95 * p.strongQuality,
      (q) => q.y,
    ),
    weakQuality: p.weakQuality,
    strongQuality: p.strongQuality,
  };
}

/**
 * REPLAY_DROP_COMMON=f: leaves out the buckets (but the bias) found in more than a share f of the
 * dataset's prompts, counted over the whole dataset beforehand (stop words; a diagnostic, routing round 16b).
 */
function dropCommon(hashed: Int32Array[]): Int32Array[] {
  const share = Number(process.env.REPLAY_DROP_COMMON ?? 1);
  if (!(share < 1)) return hashed;
  const df = new Map<number, number>();
  for (const h of hashed) for (const k of h) df.set(k, (df.get(k) ?? 0) + 1);
  return hashed.map((h) => h.filter((k) => k === 0 || (df.get(k) ?? 0) <= share * hashed.length));
}
