/**
 * Bench-only: how often, and how far, the word learner (`learner: hashed_words`) settles on a bad path
 * when two kinds of prompt of one prompt context differ only by their words (routing round 16). The
 * two kinds of test/gateway/word-learner.e2e-spec.ts: the cheap model fails law and passes geography,
 * the strong model passes both, floor 0.8, the route's default discount (0.9999 since session 26; 0.99 before) and price priors. Each
 * request goes through the gateway's own `planRoute` and each score through the worker's update
 * (`replayLikeTheGateway`, the library twin), over many seeds (the request order and the router's draws),
 * in a few variations: the share of words both kinds share, the mix of kinds, and the learning delay
 * (scores visible `lag` requests late, read together every `refresh` requests, as the gateway's poll).
 *
 *   nice -n 19 node dist/bench/routing/word-path.js [seeds=200] [variation names, comma-separated]
 *
 * Progress on stderr, the table on stdout. Per variation: the late share (second half of the requests)
 * of geography served by the cheap model across seeds (p10 / median / mean, the share of seeds below
 * 0.9 and below 0.5), law served by the strong model (mean, p10), and the late cost against the
 * clairvoyant router (law to strong, geography to cheap); and, among the seeds below 0.9, how many first
 * tried the cheap model late (after request 150: the cold start, its price prior under the floor and the
 * untried cap) or first on a law prompt (a failure before any success). WORD_PATH_DISCOUNT sets the
 * route's discount (default the product's, `DEFAULT_DISCOUNT`; round 16's readings were at 0.99).
 */
import { DEFAULT_DISCOUNT } from '../../libs/config/src';
import { seededRandom } from '../../libs/core/src';
import { GEOGRAPHY_PROMPTS as GEO, LAW_PROMPTS as LAW } from '../../libs/router/src/spec-fixtures';
import { loadRoutingYaml } from './load-routing';
import { quantile } from './metrics';
import { ProgressBar } from './progress';
import type { ReplayItem } from './routellm-data';
import { formatTable } from './table';
import { replayLikeTheGateway } from './e2e/library-twin';

/** Words every prompt of both kinds carries (a system-like preamble in the user message). */
const PREAMBLE = 'Please answer the following question of the quiz with what you know about the topic and the facts: ';

export const PRICES = { cheap: { input: 0.1e-6, output: 0.4e-6 }, strong: { input: 5e-6, output: 15e-6 } } as const;
const PROMPT_TOKENS = 30;
const OUTPUT_TOKENS = 5;

export interface PathVariation {
  name: string;
  requests: number;
  /** Share of law prompts. */
  lawShare: number;
  /** The prompt's text for kind and request index. */
  text: (law: boolean, i: number) => string;
  lag: number;
  refresh: number;
}

const e2eText = (law: boolean, i: number) => `${(law ? LAW : GEO)[i % 3]} (case ${i})`;

export const VARIATIONS: PathVariation[] = [
  { name: 'e2e texts, each score before the next decision', requests: 600, lawShare: 0.5, text: e2eText, lag: 0, refresh: 1 },
  { name: 'e2e texts, read every 10, 3 late', requests: 600, lawShare: 0.5, text: e2eText, lag: 3, refresh: 10 },
  { name: 'e2e texts, read every 50, 10 late', requests: 600, lawShare: 0.5, text: e2eText, lag: 10, refresh: 50 },
  { name: 'e2e texts, law 20%', requests: 600, lawShare: 0.2, text: e2eText, lag: 0, refresh: 1 },
  { name: 'e2e texts, law 80%', requests: 600, lawShare: 0.8, text: e2eText, lag: 0, refresh: 1 },
  { name: 'no case number (fewer shared words)', requests: 600, lawShare: 0.5, text: (law, i) => (law ? LAW : GEO)[i % 3], lag: 0, refresh: 1 },
  { name: 'shared preamble (15 more shared words)', requests: 600, lawShare: 0.5, text: (law, i) => PREAMBLE + e2eText(law, i), lag: 0, refresh: 1 },
  { name: 'shared preamble, read every 10, 3 late', requests: 600, lawShare: 0.5, text: (law, i) => PREAMBLE + e2eText(law, i), lag: 3, refresh: 10 },
  { name: 'e2e texts, 2,000 requests', requests: 2000, lawShare: 0.5, text: e2eText, lag: 0, refresh: 1 },
];

export const ROUTE_YAML = `
providers:
  - { id: fake, kind: openai-compatible, base_url: "http://127.0.0.1:9" }
models:
  - { id: cheap, provider: fake, upstream: cheap-upstream, input_per_1m: 0.1, output_per_1m: 0.4, context_window: 16000 }
  - { id: strong, provider: fake, upstream: strong-upstream, input_per_1m: 5, output_per_1m: 15, context_window: 128000 }
routes:
  - name: auto
    candidates: [cheap, strong]
    quality_floor: 0.8
    learner: hashed_words
    discount: ${process.env.WORD_PATH_DISCOUNT ?? DEFAULT_DISCOUNT}
    validators: [{ type: regex, pattern: "^ANSWER: \\\\d+$" }]
`;

/** The requests of one seed: each kind drawn from `seed` with the variation's mix. */
export function pathItems(v: PathVariation, seed: number): { items: ReplayItem[]; law: boolean[] } {
  const order = seededRandom(seed);
  const law: boolean[] = [];
  const items: ReplayItem[] = [];
  for (let i = 0; i < v.requests; i++) {
    const isLaw = order() < v.lawShare;
    law.push(isLaw);
    items.push({
      request: { model: 'auto', messages: [{ role: 'user', content: v.text(isLaw, i) }] },
      promptTokens: PROMPT_TOKENS,
      reward: { cheap: isLaw ? 0 : 1, strong: 1 },
      outputTokens: { cheap: OUTPUT_TOKENS, strong: OUTPUT_TOKENS },
    });
  }
  return { items, law };
}

const costOf = (model: 'cheap' | 'strong') => PROMPT_TOKENS * PRICES[model].input + OUTPUT_TOKENS * PRICES[model].output;

export interface PathRun {
  /** Share of the late geography prompts the cheap model served. */
  geoOnCheap: number;
  /** Share of the late law prompts the strong model served. */
  lawOnStrong: number;
  /** Late cost over the clairvoyant router's on the same requests, minus 1. */
  costVsClairvoyant: number;
  /** The first request the cheap model served (-1: none), and whether it was a law prompt. */
  firstCheap: number;
  firstCheapOnLaw: boolean;
}

/** What one seed's served models say about the late half (requests from `from` on). */
export function summarisePath(served: readonly string[], law: readonly boolean[], from: number): PathRun {
  let geo = 0;
  let geoCheap = 0;
  let laws = 0;
  let lawStrong = 0;
  let cost = 0;
  let clair = 0;
  for (let i = from; i < served.length; i++) {
    const model = served[i] === 'cheap' ? 'cheap' : 'strong';
    cost += costOf(model);
    clair += costOf(law[i] ? 'strong' : 'cheap');
    if (law[i]) {
      laws++;
      if (model === 'strong') lawStrong++;
    } else {
      geo++;
      if (model === 'cheap') geoCheap++;
    }
  }
  const firstCheap = served.indexOf('cheap');
  return {
    geoOnCheap: geo === 0 ? NaN : geoCheap / geo,
    lawOnStrong: laws === 0 ? NaN : lawStrong / laws,
    costVsClairvoyant: cost / clair - 1,
    firstCheap,
    firstCheapOnLaw: firstCheap >= 0 && law[firstCheap],
  };
}

export function runPath(v: PathVariation, seed: number): PathRun {
  const config = loadRoutingYaml(ROUTE_YAML);
  const route = config.routes.get('auto')!;
  const { items, law } = pathItems(v, seed);
  const served = replayLikeTheGateway(items, route, config.models, seededRandom(seed * 7919 + 11), v.lag, v.refresh).map((s) => s.modelId);
  return summarisePath(served, law, Math.floor(v.requests / 2));
}

function main(): void {
  const seedCount = Number(process.argv[2] ?? 200);
  const only = (process.argv[3] ?? '').split(',').filter((x) => x.length > 0);
  const variations = only.length === 0 ? VARIATIONS : VARIATIONS.filter((v) => only.some((o) => v.name.includes(o)));
  const progress = new ProgressBar('word path seeds', variations.reduce((n, v) => n + (seedCount * v.requests) / 600, 0));
  const f = (x: number) => x.toFixed(2);
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  const signed = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  const rows: string[][] = [];
  for (const v of variations) {
    const runs: PathRun[] = [];
    for (let seed = 1; seed <= seedCount; seed++) {
      runs.push(runPath(v, seed));
      progress.tick(v.requests / 600);
    }
    const geo = Float64Array.from(runs.map((r) => r.geoOnCheap)).sort();
    const law = Float64Array.from(runs.map((r) => r.lawOnStrong)).sort();
    const cost = Float64Array.from(runs.map((r) => r.costVsClairvoyant)).sort();
    const mean = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0) / xs.length;
    rows.push([
      v.name,
      `${f(quantile(geo, 0.1))} / ${f(quantile(geo, 0.5))} / ${f(mean(geo))}`,
      pct(geo.filter((x) => x < 0.9).length / geo.length),
      pct(geo.filter((x) => x < 0.5).length / geo.length),
      `${f(mean(law))} / ${f(quantile(law, 0.1))}`,
      `${signed(mean(cost))} / ${signed(quantile(cost, 0.5))} / ${signed(quantile(cost, 0.9))}`,
      (() => {
        const stuck = runs.filter((r) => r.geoOnCheap < 0.9);
        return `${stuck.length}: ${stuck.filter((r) => r.firstCheap < 0 || r.firstCheap > 150).length} / ${stuck.filter((r) => r.firstCheapOnLaw).length}`;
      })(),
    ]);
  }
  progress.finish();
  console.log(`word learner path dependence, ${seedCount} seeds, late = second half of the requests`);
  console.log(
    formatTable(['variation', 'geography on cheap: p10 / median / mean', 'seeds < 0.9', 'seeds < 0.5', 'law on strong: mean / p10', 'cost vs clairvoyant: mean / median / p90', 'seeds < 0.9: cheap first tried late / on law'], rows),
  );
}

if (require.main === module) main();

/** The seeds whose late geography share on the cheap model is below `below` (for word-path-diagnose.js). */
export function stuckSeeds(v: PathVariation, seeds: number, below: number): number[] {
  const out: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) if (runPath(v, seed).geoOnCheap < below) out.push(seed);
  return out;
}
