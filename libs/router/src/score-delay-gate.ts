/**
 * A route-level gate on how late the route's scores arrive (docs/benchmarks.md, Routing, round 31).
 *
 * The opt-in router (`floor_confidence` 0.8 with `explore_cheaper_share` 0.3) gains most under noisy,
 * partial scores, but round 29 found it raises the windows below the floor when the scores come
 * thousands of requests late (noisy_feedback_hard's 5,000): the same early beliefs then decide
 * thousands of requests before any result of them is seen. The gate lets a caller apply the option only
 * while the route's scores arrive promptly, judged by what a gateway knows: how many of its requests sent
 * for scoring still wait for their score, against how many it sent for scoring recently. By Little's law
 * the first over the rate of the second is the delay in requests. Before any score has arrived the delay
 * is unknown and counts as slow.
 *
 * The gateway applies it to routes with `floor_confidence: auto` (`GATED_SAFE_EXPLORATION`):
 * apps/gateway/src/routing/score-delay-gates.ts counts the signal per route; the zoo passes it with
 * ZOO_SCORE_DELAY_GATE.
 */

/** What a caller counts for the gate, per route. */
export interface ScoreDelaySignal {
  /** The route's requests sent for scoring whose score has not arrived yet (nor been given up). */
  awaitingScores: number;
  /** How many of the route's last `window` requests were sent for scoring. */
  recentlySentForScoring: number;
  /** The number of the route's most recent requests `recentlySentForScoring` counts over (> 0). */
  window: number;
  /** Whether any of the route's scores has arrived yet. */
  anyScoreArrived: boolean;
}

/**
 * The delay, in requests, below which the gate is open: a floor window's worth (the zoo's windows are
 * 1,000 requests). noisy_feedback's scores come 500 requests late (its estimate reads about 500),
 * noisy_feedback_hard's 5,000 (about 5,000); the scenarios with prompt scores read 0.
 */
export const PROMPT_SCORE_DELAY_REQUESTS = 1_000;

/**
 * The route's score delay in requests, estimated as its requests awaiting a score over the share of its
 * recent requests sent for scoring (Little's law: in flight = arrival rate x time in flight). 0 when
 * none is awaited; Infinity before any score has arrived, or when scores are awaited but none of the
 * recent requests was sent for scoring (the rate reads 0: the awaited ones are older than the window).
 */
export function estimatedScoreDelay(signal: ScoreDelaySignal): number {
  if (!signal.anyScoreArrived) return Infinity;
  if (signal.awaitingScores <= 0) return 0;
  if (signal.recentlySentForScoring <= 0 || signal.window <= 0) return Infinity;
  return (signal.awaitingScores * signal.window) / signal.recentlySentForScoring;
}

/**
 * How many of a route's most recent requests the gateway counts the signal over: twice the bound, so a
 * delay longer than the bound still reads longer (awaited ones older than the window drop out, and a
 * delay of the window's length or more reads as about the window's length).
 */
export const SCORE_DELAY_WINDOW_REQUESTS = 2 * PROMPT_SCORE_DELAY_REQUESTS;

/** Safe exploration's settings: `RoutePolicy.floorConfidence` and `RoutePolicy.exploreCheaperShare`. */
export interface SafeExplorationSettings {
  readonly floorConfidence?: number;
  readonly exploreCheaperShare?: number;
}

/**
 * A route's safe exploration with `floor_confidence: auto` (round 31's gate): while its scores arrive
 * promptly, `floor_confidence` 0.8 with `explore_cheaper_share` 0.3 (in the zoo noisy_feedback +35.1% ->
 * +14.8% of clairvoyant's cost against 0.9 alone, the other scenarios within noise); while they are late
 * or none has arrived, 0.9 alone (the share under 5,000-request delays raised the windows below the
 * floor, round 28).
 */
export const GATED_SAFE_EXPLORATION: { readonly prompt: SafeExplorationSettings; readonly late: SafeExplorationSettings } = Object.freeze({
  prompt: Object.freeze({ floorConfidence: 0.8, exploreCheaperShare: 0.3 }),
  late: Object.freeze({ floorConfidence: 0.9 }),
});

/** Whether the route's scores arrive promptly: its estimated delay is at most `maxDelayRequests`. */
export function scoresArrivePromptly(signal: ScoreDelaySignal, maxDelayRequests = PROMPT_SCORE_DELAY_REQUESTS): boolean {
  return estimatedScoreDelay(signal) <= maxDelayRequests;
}
