import { resolve } from 'node:path';
import { seededRandom } from '../../libs/core/src';
import type { planRoute as PlanRoute } from '../../apps/gateway/src/routing/plan-route';
import type { ArmState, extractPromptContext as ExtractPromptContext } from '../../libs/router/src';
import type { estimatePromptTokens as EstimatePromptTokens } from '../../apps/gateway/src/routing/estimate-tokens';
import type { loadRoutingYaml as LoadRoutingYaml } from './load-routing';
import { randomArms, requestFor, scaleRouterYaml, trainedWordArms, type ScaleCell, type ScalePolicy } from './decision-scale';

/** The decision path of one build (this one, or another's compiled tree), for the A/B decision benches. */
export interface DecisionBuild {
  planRoute: typeof PlanRoute;
  extractPromptContext: typeof ExtractPromptContext;
  estimatePromptTokens: typeof EstimatePromptTokens;
  loadRoutingYaml: typeof LoadRoutingYaml;
  /**
   * The build's own ArmTable class, when it has one (routing round 30): the arms it decides from are put
   * in it, as its gateway keeps them (planRoute recognises only its own class; another's is read as a Map).
   */
  ArmTable?: new (entries?: Iterable<readonly [string, ArmState]>) => ReadonlyMap<string, ArmState>;
}

/** Loads the decision path from `dist` (a compiled tree's root), or from this build for '-' or none. */
/* eslint-disable @typescript-eslint/no-require-imports */
export function loadDecisionBuild(distArg: string | undefined): DecisionBuild {
  const dist = distArg && distArg !== '-' ? distArg : resolve(__dirname, '../..');
  return {
    planRoute: require(resolve(dist, 'apps/gateway/src/routing/plan-route')).planRoute,
    extractPromptContext: require(resolve(dist, 'libs/router/src')).extractPromptContext,
    estimatePromptTokens: require(resolve(dist, 'apps/gateway/src/routing/estimate-tokens')).estimatePromptTokens,
    loadRoutingYaml: require(resolve(dist, 'bench/routing/load-routing')).loadRoutingYaml,
    ArmTable: require(resolve(dist, 'libs/router/src')).ArmTable,
  };
}
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The scale bench's decisions (`decision-scale.ts`, one context) on `build`: `n` models, 512 requests,
 * random route and context arms (and trained word models for the word learner), the route's options
 * `policy`'s (`ScalePolicy`; this build's YAML, read by `build`'s loader). `plan(i, contextKey,
 * promptTokens?)` plans request i; `contextKey(i)` is its context as the gateway keys it.
 */
export function scaleDecisions(build: DecisionBuild, n: number, learner: ScaleCell['learner'], policy: ScalePolicy = 'bench') {
  const config = build.loadRoutingYaml(scaleRouterYaml(n, learner, policy));
  const route = config.routes.get('scale')!;
  const random = seededRandom(31 + n * 7 + 1);
  const ids = route.candidates;
  const asBuilt = (arms: ReadonlyMap<string, ArmState>) => (build.ArmTable ? new build.ArmTable(arms) : new Map(arms));
  const routeArms = asBuilt(randomArms(ids, random));
  const contextArms = asBuilt(randomArms(ids, random));
  const requests = Array.from({ length: 512 }, (_, i) => requestFor(i, random));
  const wordArms = learner === 'hashed_words' ? trainedWordArms(ids, requests, 300, random) : undefined;
  const observations = { expectedTtftMs: () => undefined, spentTodayByTier: () => 0, dayElapsedFraction: () => 0.5 };
  const request = (i: number) => requests[i % requests.length];
  return {
    requests,
    contextKey: (i: number) => `${build.extractPromptContext(request(i), {}).contextKey}|ctx0`,
    plan: (i: number, contextKey: string, promptTokens = build.estimatePromptTokens(request(i))) =>
      build.planRoute({
        route,
        models: config.models,
        request: request(i),
        promptTokens,
        arms: routeArms,
        contextKey,
        contextArms,
        ...(wordArms ? { wordArms } : {}),
        spentTodayUsd: 0,
        random,
        observations,
      }),
  };
}
