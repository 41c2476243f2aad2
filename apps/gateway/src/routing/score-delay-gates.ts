import type { RouteSpec } from '../../../../libs/config/src';
import { coalescedRounds } from '../../../../libs/core/src';
import { estimatedScoreDelay, PROMPT_SCORE_DELAY_REQUESTS, SCORE_DELAY_WINDOW_REQUESTS, type ScoreDelaySignal } from '../../../../libs/router/src';
import type { ScoreDelayCounts } from '../../../../libs/storage/src';

/** How often the gateway re-reads the routes' score delays (one query per gated route). */
export const SCORE_DELAY_REFRESH_MS = 5_000;

/**
 * At most this often, a worker's commit (the signal that also refreshes the learned statistics) re-reads
 * the gated routes whose gate is closed: a score may have opened it. Without it a route's first scores
 * opened its gate only at the next 5-second poll; a burst of a few hundred requests (a demo, a test, a
 * quiet route's first minutes) ran on the late settings throughout, where a cheap model whose price prior
 * is under the floor is never tried.
 */
export const SCORE_DELAY_PUSH_MIN_MS = 500;

/** What the gate last read for a route: its estimated delay in requests and whether it is open. */
export interface ScoreDelayReading {
  /** Estimated requests between a request and its score (Infinity before any score, or while unknown). */
  delayRequests: number;
  /** Whether the delay is within PROMPT_SCORE_DELAY_REQUESTS: the gated safe exploration's prompt settings apply. */
  prompt: boolean;
}

/** The gate's signal from the counts of the route's recent requests (the window is what was counted). */
export function scoreDelaySignalOf(counts: ScoreDelayCounts): ScoreDelaySignal {
  return { awaitingScores: counts.awaitingScores, recentlySentForScoring: counts.served, window: counts.recent, anyScoreArrived: counts.anyScored };
}

/** The routes the gate is read for: those with `floor_confidence: auto` and a choice to make. */
export function gatedRoutes(routes: Iterable<RouteSpec>): string[] {
  return [...routes].filter((r) => r.gatedSafeExploration === true && r.candidates.length > 1).map((r) => r.name);
}

/**
 * Round 31's score-delay gate for the routes with `floor_confidence: auto` (safeExplorationOf): each
 * refresh counts every gated route's last SCORE_DELAY_WINDOW_REQUESTS chat requests in the database
 * (all gateway processes' and the worker's scores alike), off the request path; planRoute reads the
 * outcome synchronously (RouteObservations.scoresArrivePromptly). A route not read yet, or whose
 * read failed the first time, counts as late: the stricter settings. A failed refresh keeps the last reading.
 */
export class ScoreDelayGates {
  private readonly readings = new Map<string, ScoreDelayReading>();
  private timer?: NodeJS.Timeout;
  readonly refresh: () => Promise<void>;
  /** Re-reads only the routes whose gate is closed (none read yet, or late): a score may open one. */
  readonly refreshClosed: () => Promise<void>;

  constructor(
    private readonly routes: readonly string[],
    private readonly count: (route: string, window: number) => Promise<ScoreDelayCounts>,
  ) {
    this.refresh = coalescedRounds(() => this.readAll(this.routes));
    this.refreshClosed = coalescedRounds(() => this.readAll(this.routes.filter((r) => !this.scoresArrivePromptly(r))));
  }

  scoresArrivePromptly(route: string): boolean {
    return this.readings.get(route)?.prompt === true;
  }

  /** The latest reading of a gated route; undefined for a route that is not gated or not read yet. */
  reading(route: string): ScoreDelayReading | undefined {
    return this.readings.get(route);
  }

  start(everyMs = SCORE_DELAY_REFRESH_MS, onError?: (err: Error) => void): void {
    if (this.routes.length === 0 || this.timer) return;
    this.timer = setInterval(() => void this.refresh().catch((err: Error) => onError?.(err)), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async readAll(routes: readonly string[]): Promise<void> {
    for (const route of routes) {
      const delayRequests = estimatedScoreDelay(scoreDelaySignalOf(await this.count(route, SCORE_DELAY_WINDOW_REQUESTS)));
      this.readings.set(route, { delayRequests, prompt: delayRequests <= PROMPT_SCORE_DELAY_REQUESTS });
    }
  }
}
