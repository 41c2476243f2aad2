import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../../../../libs/config/src';
import type { Clock } from '../../../../libs/core/src';
import type { AttemptRecord, NewRequestRow } from '../../../../libs/storage/src';
import { RequestEvents } from '../events/request-events';
import { APP_CONFIG, CLOCK } from '../tokens';
import type { RouteObservations } from './plan-route';
import { attachRouteSignals } from './route-signals-registry';
import { ScoreDelayGates } from './score-delay-gates';
import { ServedAnswerSize } from './served-answer-size';
import { SpendTracker } from './spend-tracker';
import { TtftEstimates } from './ttft-estimates';

/** What the attempt log holds besides AttemptRecord (apps/gateway/src/chat/attempt-runner.ts AttemptLog). */
type LoggedAttempt = AttemptRecord & { startedAtMs?: number; midStream?: boolean; continuation?: boolean };

/**
 * What the gateway observes about its models and tiers for the router, fed by every finished request
 * (RequestEvents) and read synchronously by planRoute: time to first token per model, and each
 * configured tier's spend today.
 */
@Injectable()
export class RouteSignals implements OnModuleInit, RouteObservations {
  readonly ttft: TtftEstimates;
  /** Per route: the size of its served answers. */
  private readonly completions = new Map<string, ServedAnswerSize>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) clock: Clock,
    readonly spend: SpendTracker,
    private readonly events: RequestEvents,
    private readonly scoreDelays: ScoreDelayGates,
  ) {
    this.ttft = new TtftEstimates(clock);
  }

  onModuleInit(): void {
    this.events.onFinished((row) => this.observe(row));
    attachRouteSignals(this.config.models, this);
  }

  expectedTtftMs(modelId: string): number | undefined {
    return this.ttft.estimate(modelId);
  }

  spentTodayByTier(route: string, tier: string): number {
    return this.spend.spentTodayByTier(route, tier);
  }

  scoresArrivePromptly(route: string): boolean {
    return this.scoreDelays.scoresArrivePromptly(route);
  }

  dayElapsedFraction(): number {
    return this.spend.dayElapsedFraction();
  }

  /** Discounted mean completion tokens of the route's served answers (undefined before the first). */
  servedCompletionTokens(route: string): number | undefined {
    return this.completions.get(route)?.mean();
  }

  /** One finished request: its model's time to first token (streams only), its answer's size, its tier's spend. */
  observe(row: NewRequestRow): void {
    if (row.streamed) observeTtft(this.ttft, row);
    if (row.route && row.status === 'success' && row.completion_tokens) {
      let served = this.completions.get(row.route);
      if (!served) this.completions.set(row.route, (served = new ServedAnswerSize()));
      served.observe(row.completion_tokens);
    }
    const cost = row.cost_usd ?? 0;
    if (row.route && cost > 0) {
      const tier = tierOf(row.context_key);
      if (tier !== undefined && this.config.routes.get(row.route)?.tiers?.has(tier)) this.spend.addTier(row.route, tier, cost);
    }
  }
}

/**
 * Time to first token is what a streamed request measures (`ttft_ms`, from the request's start), less
 * the time spent on attempts before the model that produced the first content; a stream attempt that
 * timed out before any content counts as an observation of the time it waited. A non-streamed call's
 * latency is the whole answer (its length, not the model's responsiveness), so it is not counted.
 */
export function observeTtft(ttft: TtftEstimates, row: NewRequestRow): void {
  const attempts = parseAttempts(row.attempts);
  for (const a of attempts) {
    if (a.status === 'error' && a.errorKind === 'timeout' && !a.midStream && !a.continuation) ttft.observe(a.modelId, a.latencyMs);
  }
  if (row.ttft_ms === null || row.ttft_ms === undefined) return;
  const first = attempts.find((a) => !a.continuation && (a.status === 'success' || a.midStream === true));
  if (first) ttft.observe(first.modelId, Math.max(0, row.ttft_ms - (first.startedAtMs ?? 0)));
}

/** The tier a context key ends with (`...|tier=pro`, see extractPromptContext), if any. */
export function tierOf(contextKey: string | undefined): string | undefined {
  if (!contextKey) return undefined;
  const at = contextKey.indexOf('|tier=');
  return at < 0 ? undefined : contextKey.slice(at + 6);
}

function parseAttempts(value: NewRequestRow['attempts']): LoggedAttempt[] {
  try {
    const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
    return Array.isArray(parsed) ? (parsed as LoggedAttempt[]) : [];
  } catch {
    return [];
  }
}
