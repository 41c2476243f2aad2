import { Inject, Injectable } from '@nestjs/common';
import type { ModelSpec } from '../../../../libs/config/src';
import type { ChatRequest, Clock } from '../../../../libs/core/src';
import { ProviderError, type ProviderCall } from '../../../../libs/providers/src';
import type { AttemptRecord } from '../../../../libs/storage/src';
import type { RoutePlan } from '../routing/plan-route';
import { CLOCK } from '../tokens';
import { adaptRequestForModel } from './adapt-request';
import { mapProviderError } from './map-provider-error';
import type { RequestContext } from './request-context';

/** Models tried for one request before the error goes back to the client. */
export const MAX_ATTEMPTS = 3;

/**
 * Runs a request against the plan's models in order until one answers: a model that fails before
 * sending anything (connection, status, first-byte timeout) hands over to the next when another
 * model could serve. Every attempt is appended to `attempts` for the request record.
 */
@Injectable()
export class AttemptRunner {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  async run<T>(
    plan: RoutePlan,
    request: ChatRequest,
    ctx: RequestContext,
    attempts: AttemptRecord[],
    call: (args: { model: ModelSpec; call: ProviderCall }) => Promise<T>,
  ): Promise<{ response: T; model: ModelSpec }> {
    let lastError: ProviderError | undefined;
    let lastModel = plan.models[0];
    for (const model of plan.models.slice(0, MAX_ATTEMPTS)) {
      const started = this.clock.now();
      try {
        const providerCall: ProviderCall = { request: adaptRequestForModel(request, model), signal: ctx.signal, timeouts: model.timeouts };
        const response = await call({ model, call: providerCall });
        attempts.push({ modelId: model.id, providerId: model.providerId, status: 'success', latencyMs: this.clock.now() - started, costUsd: 0 });
        return { response, model };
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        attempts.push({
          modelId: model.id,
          providerId: model.providerId,
          status: 'error',
          errorKind: err.kind,
          httpStatus: err.upstreamStatus,
          latencyMs: this.clock.now() - started,
          costUsd: 0,
        });
        lastError = err;
        lastModel = model;
        if (!err.fallbackable || ctx.signal.aborted) break;
      }
    }
    throw mapProviderError(lastError!, lastModel.id);
  }
}
