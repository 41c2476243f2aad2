import { resolve } from 'node:path';
import type { planRoute as PlanRoute } from '../../apps/gateway/src/routing/plan-route';
import type { extractPromptContext as ExtractPromptContext } from '../../libs/router/src';
import type { estimatePromptTokens as EstimatePromptTokens } from '../../apps/gateway/src/routing/estimate-tokens';
import type { loadRoutingYaml as LoadRoutingYaml } from './load-routing';

/** The decision path of one build (this one, or another's compiled tree), for the A/B decision benches. */
export interface DecisionBuild {
  planRoute: typeof PlanRoute;
  extractPromptContext: typeof ExtractPromptContext;
  estimatePromptTokens: typeof EstimatePromptTokens;
  loadRoutingYaml: typeof LoadRoutingYaml;
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
  };
}
/* eslint-enable @typescript-eslint/no-require-imports */
