import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { AppConfig, FailoverSpec, ModelSpec, TimeoutSpec } from '../../../../libs/config/src';
import { GatewayError, type Clock, type Random } from '../../../../libs/core/src';
import { ProviderError } from '../../../../libs/providers/src';
import type { AttemptRecord } from '../../../../libs/storage/src';
import { countsAgainstDeployment, DeploymentHealth, deploymentKey } from '../health-breaker/deployment-health';
import { APP_CONFIG, CLOCK, LOG, RANDOM } from '../tokens';
import type { GatewayRuntime } from '../runtime';
import { effectiveTimeouts, retryDelayMs } from './failover-policy';
import { gatewayErrorInClientTerms } from './client-model-name';
import { mapProviderError } from './map-provider-error';
import type { ClientSignal, RequestContext } from './request-context';

/** Models tried for one request by default before the error goes back to the client. */
export const MAX_ATTEMPTS = 3;

/** One try, as the request record keeps it (a superset of AttemptRecord, stored as JSON). */
export interface AttemptLog extends AttemptRecord {
  /** 0 for the first try on this model, then 1, 2... for retries. */
  retry: number;
  /** Milliseconds after the request started. */
  startedAtMs: number;
  message?: string;
  /** The failure came after content had been streamed to the client. */
  midStream?: boolean;
  /** A response that came back but was not accepted (json_schema, an inline validator). */
  rejectedBy?: string;
  /** This try continued a stream another model had started. */
  continuation?: boolean;
  /** Waited this long before this try (backoff or retry-after). */
  waitedMs?: number;
}

/** Why a response that arrived is not returned; `retrySameModel` tries the same model once more first. */
export interface Rejection {
  validator: string;
  message: string;
  retrySameModel: boolean;
}

/**
 * What the runner reads of a model: its deployment (provider and id, for its health), its timeouts, and
 * its upstream name (an error's text names it; the client is told the model it knows instead).
 */
export type AttemptModel = Pick<ModelSpec, 'id' | 'providerId' | 'upstream' | 'timeouts'>;

/**
 * What one kind of request (chat, embeddings) gives the runner: the provider call of one try, and how
 * its errors read. One module-level constant per kind (chat/chat-attempts.ts, embeddings/embedding-attempts.ts),
 * so the runner stays free of request and provider specifics at no cost per request.
 */
export interface AttemptKind<R, M extends AttemptModel, C> {
  /** The provider call of one try: `request` as `model` takes it, aborted by `abort`, within `timeouts` (effectiveTimeouts). */
  providerCall(request: R, model: M, abort: AbortController, timeouts: TimeoutSpec): C;
  /** The request field holding the prompt, named by a context-length error (mapProviderError). */
  promptParam: string;
  /** How the client's error begins when more than one try failed: "<lead> (cheap (server_error), ...). Last: ...". */
  exhaustedLead: string;
  /**
   * Whether a request an adapter cannot put to its provider (a GatewayError 400, no call made) ends the
   * run with that error at once; otherwise the refusal is recorded and the next model tried.
   */
  refusalEnds: boolean;
  /** Whether this upstream error ends the run at once (no retry, no other model): a client mistake. */
  endsRun(err: ProviderError): boolean;
}

export interface RunArgs<T, R, M extends AttemptModel, C> {
  kind: AttemptKind<R, M, C>;
  chain: M[];
  policy: FailoverSpec;
  request: R;
  ctx: RequestContext;
  attempts: AttemptLog[];
  requestStartedAt: number;
  call: (args: { model: M; call: C; abort: AbortController; timeouts: TimeoutSpec; startedAt: number }) => Promise<T>;
  /** Checks a response before it is returned; a rejection moves on (a reward signal for the caller). */
  accept?: (value: T, model: M, attempt: AttemptLog) => Rejection | undefined;
  continuation?: boolean;
  /**
   * The first model's next retry after its stream failed once answering had begun (a restart, see
   * chat.service): its retry number, and the backoff to wait first (retryDelayMs).
   */
  resume?: { retry: number; waitMs: number };
}

/**
 * Runs a request along a fallback chain until a model answers acceptably: retries on the same model
 * with backoff and jitter (429 honouring retry-after, 5xx, connection errors, timeouts), hands over
 * to the next model when another could serve (a model whose adapter cannot translate the request
 * included, unless the kind says a refusal ends the run), and stops at once on a client error every
 * model would reject. Every try is appended to `attempts`; deployment health learns from each result.
 * One loop for every kind of request (chat and embeddings): `kind` builds each try's provider call.
 */
@Injectable()
export class AttemptRunner implements OnModuleDestroy {
  readonly health: DeploymentHealth;

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOG) log: GatewayRuntime['log'],
  ) {
    this.health = new DeploymentHealth(config, clock, (err) => log('warn', 'shared health state unavailable', { error: (err as Error).message }));
  }

  async onModuleDestroy(): Promise<void> {
    await this.health.close();
  }

  /** Waits, or stops waiting when the client goes away. */
  sleep(ms: number, signal: ClientSignal): Promise<void> {
    return new Promise((resolve) => {
      if (ms <= 0 || signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  async run<T, R, M extends AttemptModel, C>(args: RunArgs<T, R, M, C>): Promise<{ response: T; model: M; index: number }> {
    const { kind, chain, policy, ctx, attempts } = args;
    let lastError: ProviderError | undefined;
    let lastRejection: Rejection | undefined;
    let lastModel = chain[0];
    let refused: GatewayError | undefined;
    for (const [index, model] of chain.entries()) {
      const resume = index === 0 ? args.resume : undefined;
      let waited = 0;
      if (resume) {
        await this.sleep(resume.waitMs, ctx.signal);
        waited = resume.waitMs;
      }
      for (let retry = resume?.retry ?? 0; ; retry++) {
        if (ctx.signal.aborted) throw GatewayError.clientClosed();
        const startedAt = this.clock.now();
        const timeouts = effectiveTimeouts(model, policy);
        // One controller per attempt, aborted by a failure of this attempt or by the client going away
        // (a listener on the request's signal, released with the request; cheaper than AbortSignal.any).
        const abort = new AbortController();
        if (ctx.signal.aborted) abort.abort();
        else ctx.signal.addEventListener('abort', () => abort.abort(), { once: true });
        const attempt: AttemptLog = {
          modelId: model.id,
          providerId: model.providerId,
          status: 'success',
          latencyMs: 0,
          costUsd: 0,
          retry,
          startedAtMs: startedAt - args.requestStartedAt,
          ...(waited > 0 ? { waitedMs: waited } : {}),
          ...(args.continuation ? { continuation: true } : {}),
        };
        const providerCall = kind.providerCall(args.request, model, abort, timeouts);
        try {
          const response = await args.call({ model, call: providerCall, abort, timeouts, startedAt });
          attempt.latencyMs = this.clock.now() - startedAt;
          this.health.deployments.recordSuccess(deploymentKey(model));
          attempts.push(attempt);
          const rejection = args.accept?.(response, model, attempt);
          if (!rejection) return { response, model, index };
          Object.assign(attempt, { status: 'error', errorKind: 'rejected', rejectedBy: rejection.validator, message: rejection.message.slice(0, 300) });
          lastRejection = rejection;
          lastError = undefined;
          lastModel = model;
          if (rejection.retrySameModel && retry < Math.max(1, policy.retries)) continue;
          break;
        } catch (err) {
          if (err instanceof GatewayError && err.status === 400) {
            // The adapter cannot put this request to its provider (a parameter it has no counterpart
            // for, such as logprobs on Anthropic): no call was made, and another model may serve it.
            Object.assign(attempt, { status: 'error', errorKind: 'unsupported_request', latencyMs: this.clock.now() - startedAt, message: err.message.slice(0, 300) });
            attempts.push(attempt);
            const refusal = gatewayErrorInClientTerms(err, model.upstream, model.id);
            if (kind.refusalEnds) throw refusal;
            refused ??= refusal;
            break;
          }
          if (!(err instanceof ProviderError)) throw err;
          abort.abort();
          Object.assign(attempt, {
            status: 'error',
            errorKind: err.kind,
            httpStatus: err.upstreamStatus,
            latencyMs: this.clock.now() - startedAt,
            message: err.message.slice(0, 300),
          });
          attempts.push(attempt);
          // A call cut short by the client's disconnect says nothing about the deployment.
          if (ctx.signal.aborted) throw GatewayError.clientClosed();
          if (countsAgainstDeployment(err)) this.health.deployments.recordFailure(deploymentKey(model));
          lastError = err;
          lastRejection = undefined;
          lastModel = model;
          if (kind.endsRun(err)) throw this.exhausted(kind, attempts, err, model, undefined);
          const delay = retryDelayMs(err, retry, policy, this.random);
          if (delay === undefined) break;
          await this.sleep(delay, ctx.signal);
          waited = delay;
        }
      }
    }
    // Every model refused the request before calling its provider: the first refusal says why.
    if (refused && !lastError && !lastRejection) throw refused;
    throw this.exhausted(kind, attempts, lastError, lastModel, lastRejection);
  }

  /** One OpenAI-format error for the client, naming every model tried and how each failed. */
  exhausted(kind: Pick<AttemptKind<unknown, AttemptModel, unknown>, 'promptParam' | 'exhaustedLead'>, attempts: AttemptLog[], lastError: ProviderError | undefined, lastModel: AttemptModel, rejection: Rejection | undefined): GatewayError {
    const tried = summarizeAttempts(attempts);
    if (!lastError) {
      const why = rejection ? `${rejection.validator}: ${rejection.message}` : 'no model answered';
      return new GatewayError(502, `No model produced an acceptable answer (tried ${tried}); last: ${why}`.slice(0, 1000), 'api_error', 'upstream_invalid_output');
    }
    const mapped = mapProviderError(lastError, lastModel, kind.promptParam);
    if (attempts.length <= 1) return mapped;
    return new GatewayError(mapped.status, `${kind.exhaustedLead} (${tried}). Last: ${mapped.message}`.slice(0, 1000), mapped.type, mapped.code, mapped.param, mapped.retryAfterSeconds);
  }
}

/** "cheap (server_error, server_error), strong (timeout)". */
export function summarizeAttempts(attempts: AttemptLog[]): string {
  const byModel = new Map<string, string[]>();
  for (const a of attempts) {
    const list = byModel.get(a.modelId) ?? [];
    list.push(a.status === 'success' ? 'ok' : (a.rejectedBy ?? a.errorKind ?? 'error'));
    byModel.set(a.modelId, list);
  }
  return [...byModel.entries()].map(([m, kinds]) => `${m} (${kinds.join(', ')})`).join(', ');
}

