import type { ModelSpec } from '../../../../libs/config/src';
import type { RouteObservations } from './plan-route';

/**
 * planRoute reads the observations (RouteSignals) of the gateway whose config holds the models map it
 * is given, so the request path needs no extra argument; planRoute's `observations` input, when given,
 * wins. A WeakMap: a closed gateway's signals go with its config.
 */
const signalsByModels = new WeakMap<ReadonlyMap<string, ModelSpec>, RouteObservations>();

export function attachRouteSignals(models: ReadonlyMap<string, ModelSpec>, observations: RouteObservations): void {
  signalsByModels.set(models, observations);
}

export function routeSignalsFor(models: ReadonlyMap<string, ModelSpec>): RouteObservations | undefined {
  return signalsByModels.get(models);
}
