/**
 * A lower bound on the cost of any *safe* router in a zoo scenario with noisy, late, partial scores
 * (docs/benchmarks.md, routing round 12c). Safe: in each task class, an unproven model is served only
 * as far as a proven anchor's margin over the floor pays for it (decide's `fundExploration`: share
 * (anchor - floor) / (anchor - lower bound of the unproven model)), and it serves alone once its lower
 * bound at `floorConfidence` clears the floor; that is what keeps the windows over the floor whatever
 * the noise. The bound's router is far better informed than any real one: it knows which model the
 * clairvoyant serves each class with and explores nothing else; its anchor is the cheapest model that
 * clears every class (claude-v2), proven from the first request; every score of the explored model
 * reads exactly its true observed quality (no sampling luck either way); classes are its contexts
 * (no classifier errors); no 5xx, 429 or circuit breaker. Deterministic: expected shares, no random
 * draws.
 *
 *   node dist/bench/routing/safe-cost-bound.js [scenario ...] [--confidence 0.9]
 */
import { readFileSync } from 'node:fs';
import { normalQuantile } from '../../libs/router/src';
import { buildScenario, observedFloor, SIM, type ScenarioName, type Zoo } from './zoo-sim';

export interface BoundInput {
  /** Per class: the clairvoyant's model's true quality and price, and the share of traffic. */
  classes: Array<{ name: string; share: number; quality: number; price: number; anchorQuality: number }>;
  anchorPrice: number;
  floor: number;
  noise: number;
  delay: number;
  unscoredShare: number;
  requests: number;
  /** Cost is counted from this request on (the "after 5,000 requests"). */
  from: number;
  z: number;
}

export interface BoundResult {
  /** The bound's spend over requests [from, requests) relative to the clairvoyant's, minus 1. */
  costVsClairvoyant: number;
  /** Per class: the request at which the explored model is proven (Infinity if never). */
  provenAt: Record<string, number>;
}

/** The safe share of an unproven model with `n` exact scores of observed quality `o`, against an anchor of observed quality `a`. */
export function safeShare(o: number, n: number, a: number, f: number, z: number): number {
  const lower = n > 0 ? o - z * Math.sqrt((o * (1 - o)) / (n + 1)) : 0;
  if (lower >= f) return 1;
  if (a <= f) return 0;
  return Math.min(1, Math.max(0, (a - f) / (a - lower)));
}

export function safeCostBound(input: BoundInput): BoundResult {
  const f = observedFloor(input.floor, input.noise);
  const observed = (q: number) => q * (1 - 2 * input.noise) + input.noise;
  let spend = 0;
  let clairvoyant = 0;
  const provenAt: Record<string, number> = {};
  for (const c of input.classes) {
    const o = observed(c.quality);
    const a = observed(c.anchorQuality);
    // shares[i]: the explored model's expected share of this class's request i; its score is known from request i + delay + 1 on.
    const shares = new Float64Array(input.requests);
    let n = 0;
    provenAt[c.name] = Infinity;
    for (let i = 0; i < input.requests; i++) {
      if (i > input.delay) n += shares[i - input.delay - 1] * c.share * (1 - input.unscoredShare);
      const s = safeShare(o, n, a, f, input.z);
      if (s === 1 && provenAt[c.name] === Infinity) provenAt[c.name] = i;
      shares[i] = s;
      if (i >= input.from) {
        spend += c.share * (s * c.price + (1 - s) * input.anchorPrice);
        clairvoyant += c.share * c.price;
      }
    }
  }
  return { costVsClairvoyant: spend / clairvoyant - 1, provenAt };
}

function main(): void {
  const args = process.argv.slice(2);
  const at = args.indexOf('--confidence');
  const confidence = at >= 0 ? Number(args[at + 1]) : 0.9;
  const names = (args.filter((a, i) => !a.startsWith('--') && (at < 0 || i !== at + 1)) as ScenarioName[]).concat();
  const zoo = JSON.parse(readFileSync(process.env.ZOO_PATH ?? `${__dirname}/../../../../shared/datasets/zoo.json`, 'utf8')) as Zoo;
  const scenarios: ScenarioName[] = names.length ? names : ['stationary', 'noisy_feedback', 'noisy_feedback_hard'];
  const anchor = zoo.arms.find((a) => a.model === 'claude-v2')!;
  console.log(`safe cost bound, floor ${SIM.qualityFloor}, floorConfidence ${confidence}, cost over requests 5,000-${SIM.requests.toLocaleString('en')}`);
  console.log('| scenario | noise / delay / unscored | cost vs clairvoyant (bound) | explored model proven at (request) |');
  console.log('|---|---|---|---|');
  for (const name of scenarios) {
    const setup = buildScenario(zoo, name);
    const classes = zoo.task_classes.map((cls) => {
      // The clairvoyant's model for the class: the cheapest that clears the floor.
      const clearing = zoo.arms.filter((a) => a.quality[cls] >= SIM.qualityFloor).sort((x, y) => x.usd_per_query - y.usd_per_query)[0];
      return { name: `${cls} (${clearing.model})`, share: SIM.taskMix[cls], quality: clearing.quality[cls], price: clearing.usd_per_query, anchorQuality: anchor.quality[cls] };
    });
    const r = safeCostBound({
      classes,
      anchorPrice: anchor.usd_per_query,
      floor: SIM.qualityFloor,
      noise: setup.noise,
      delay: setup.delay,
      unscoredShare: setup.unscoredShare,
      requests: SIM.requests,
      from: 5_000,
      z: normalQuantile(confidence),
    });
    const proven = Object.entries(r.provenAt).map(([k, v]) => `${k} ${Number.isFinite(v) ? v.toLocaleString('en') : 'never'}`).join('; ');
    console.log(`| ${name} | ${setup.noise} / ${setup.delay} / ${setup.unscoredShare} | ${(100 * r.costVsClairvoyant).toFixed(1)}% | ${proven} |`);
  }
}

if (require.main === module) main();
