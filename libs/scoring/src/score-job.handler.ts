import type { Clock } from '../../core/src';
import type { QueuedJob } from '../../queue/src/jobs';
import type { ArmStatsRepository } from '../../storage/src/repositories/arm-stats.repository';
import { scoreResponse } from './score-response';

export interface ScoreJobResult {
  status: 'recorded' | 'duplicate' | 'applied' | 'stored';
  reward?: number;
}

/**
 * What a worker does with a job, wherever it runs (a BullMQ worker process or the in-process queue):
 * score the response with the route's validators and fold the reward into the learned statistics,
 * or apply explicit feedback. Idempotent per request.
 */
export class ScoreJobHandler {
  constructor(
    private readonly arms: ArmStatsRepository,
    private readonly clock: Clock,
    private readonly onStatsChanged: () => void = () => undefined,
  ) {}

  async handle(job: QueuedJob): Promise<ScoreJobResult> {
    if (job.name === 'score-response') {
      const d = job.data;
      const outcome = scoreResponse({ request: d.request, response: d.response }, d.validators);
      const result = await this.arms.recordScore({
        requestId: d.requestId,
        route: d.route,
        contextKey: d.contextKey,
        modelId: d.modelId,
        validatorReward: outcome.reward,
        results: outcome.results,
        costUsd: d.costUsd,
        completionTokens: d.completionTokens,
        discount: d.discount,
        scoredAt: new Date(this.clock.now()),
      });
      if (result.status === 'recorded') this.onStatsChanged();
      return result;
    }
    const d = job.data;
    const result = await this.arms.applyFeedback(d.requestId, d.score, d.comment, new Date(d.at));
    if (result.status === 'applied') this.onStatsChanged();
    return result;
  }
}
