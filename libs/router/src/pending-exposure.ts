/**
 * Exploration under late scores (`RoutePolicy.exploreCheaperShare` with `Candidate.pendingScores`;
 * docs/benchmarks.md, round 29).
 *
 * The guaranteed share and the funded exploration spend the home's surplus on a model "even if it were
 * as bad as" a quantile of its posterior. That bound holds for the next request only: when scores come
 * thousands of requests late, the router keeps serving the model on the same posterior, and what it
 * served meanwhile is not in the bound. Round 29's diagnosis (noisy_feedback_hard, scores 5,000 requests
 * late): the windows the option adds below the floor are the first 10,000 requests', served by models
 * with a median of 18 scores arrived against 74 in the other windows, and they go when the delay is 500.
 * So a model's exploration pauses while more of its requests are waiting for a score than its posterior
 * holds evidence (prior included): what is in flight could move its belief by at most about half
 * before more of it is served.
 */

/**
 * True when `pendingScores` (the model's requests in this context sent for scoring whose scores have
 * not arrived) exceeds the weight of its posterior Beta(a, b); false when the count is not known.
 */
export function explorationPaused(pendingScores: number | undefined, posteriorA: number, posteriorB: number): boolean {
  return pendingScores !== undefined && pendingScores > posteriorA + posteriorB;
}
