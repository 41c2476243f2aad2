import type { RouteSpec } from '../../../../libs/config/src';
import { defaultContextPriorStrength, GATED_SAFE_EXPLORATION, type SafeExplorationSettings } from '../../../../libs/router/src';

type SafeExplorationRoute = Pick<RouteSpec, 'floorConfidence' | 'exploreCheaperShare' | 'gatedSafeExploration'>;

const OFF: SafeExplorationSettings = Object.freeze({});

/**
 * The safe exploration a route decides with: the operator's `floor_confidence` (and
 * `explore_cheaper_share`) when a number; with `floor_confidence: auto` (`gatedSafeExploration`) round
 * 31's gate, 0.8 with a cheaper share of 0.3 while the route's scores arrive promptly, else 0.9 alone;
 * none when unset. Constant objects: nothing is allocated per request.
 */
export function safeExplorationOf(route: SafeExplorationRoute, scoresArrivePromptly: boolean): SafeExplorationSettings {
  if (route.floorConfidence !== undefined) return route;
  if (route.gatedSafeExploration) return scoresArrivePromptly ? GATED_SAFE_EXPLORATION.prompt : GATED_SAFE_EXPLORATION.late;
  return OFF;
}

/** How the route's safe exploration is set, for the report: a fixed confidence, gated (`auto`), or off. */
export function safeExplorationMode(route: SafeExplorationRoute): 'configured' | 'gated' | 'off' {
  if (route.floorConfidence !== undefined) return 'configured';
  return route.gatedSafeExploration ? 'gated' : 'off';
}

/**
 * How many observations' worth of the route-level belief a prompt context starts from, unless the
 * route sets `context_prior_strength`: enough that a new context routes like its route, few enough that
 * its own evidence soon dominates; 32 on a route with safe exploration (`floor_confidence`, a number or
 * `auto`), where a context's thin, low estimate of a cheaper model is otherwise seldom re-tried, else 8
 * (`defaultContextPriorStrength`, docs/benchmarks.md routing round 18). The same whichever way the
 * gate stands.
 */
export function contextPriorStrengthOf(route: Pick<RouteSpec, 'contextPriorStrength'> & SafeExplorationRoute): number {
  return route.contextPriorStrength ?? defaultContextPriorStrength(safeExplorationOf(route, false).floorConfidence);
}
