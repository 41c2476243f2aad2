import type { Clock } from '../../core/src';
import type { QueuedJob } from '../../queue/src/jobs';
import type { ArmStatsRepository, RecordOutcome, ScoreToRecord } from '../../storage/src/repositories/arm-stats.repository';
import { applyJudge, type JudgeOutcome } from './judge/combine-judge';
import type { ModelJudge } from './judge/model-judge';
import { scoreResponse, type ScoreOutcome } from './score-response';
import type { ScoreResponseJob } from '../../queue/src/jobs';

export interface ScoreJobResult {
  status: 'recorded' | 'duplicate' | 'applied' | 'stored' | 'stale';
  reward?: number;
}

/**
 * What a worker does with a job, wherever it runs (a BullMQ worker process or the in-process queue):
 * score the response with the route's validators and fold the reward into the learned statistics,
 * or apply explicit feedback. Idempotent per request.
 */
export class ScoreJobHandler {
  private readonly batcher: ScoreBatcher;

  constructor(
    private readonly arms: ArmStatsRepository,
    private readonly clock: Clock,
    private readonly onStatsChanged: () => void = () => undefined,
    /** The judge of jobs the gateway sampled for it (route option `judge`); without one they are scored by their validators. */
    private readonly judge?: ModelJudge,
  ) {
    this.batcher = new ScoreBatcher((scores) => arms.recordScores(scores));
  }

  async handle(job: QueuedJob): Promise<ScoreJobResult> {
    if (job.name === 'score-response') {
      const d = job.data;
      let outcome = scoreResponse({ request: d.request, response: d.response }, d.validators);
      if (d.judge) outcome = applyJudge(outcome, await this.judged(d, outcome), d.judge.weight);
      const result = await this.batcher.submit({
        requestId: d.requestId,
        route: d.route,
        contextKey: d.contextKey,
        modelId: d.modelId,
        validatorReward: outcome.reward,
        results: outcome.results,
        costUsd: d.costUsd,
        completionTokens: d.completionTokens,
        discount: d.discount,
        feedbackWeight: d.feedbackWeight,
        ...(d.words ? { words: d.words } : {}),
        // The contexts learner's Beta prior (planRoute's policy): what provenArm weighs the evidence on.
        ...(d.refute ? { refute: { policy: { ...d.refute, priorSuccesses: 1, priorFailures: 1 } } } : {}),
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

  /**
   * The judge's outcome for a sampled job: not called when a validator already failed (the reward is
   * 0 whatever it says) or when the request's score is already recorded (a duplicate or retried job:
   * no second paid call for a score that will not count).
   */
  private async judged(job: ScoreResponseJob, outcome: ScoreOutcome): Promise<JudgeOutcome> {
    if (outcome.reward === 0) return { kind: 'skipped', reason: 'a validator failed' };
    if (!this.judge) return { kind: 'unavailable', reason: 'no judge in this process' };
    if (await this.arms.hasScore(job.requestId)) return { kind: 'skipped', reason: 'already scored' };
    return this.judge.judge(job);
  }
}

/**
 * Group commit: scores that arrive while a write is under way go together in the next transaction,
 * so throughput follows the number of jobs in flight instead of one commit per job, and jobs of one
 * route no longer queue on its lock. Each job still learns its own outcome.
 */
export class ScoreBatcher {
  private waiting: Array<{ score: ScoreToRecord; resolve: (o: RecordOutcome) => void; reject: (e: unknown) => void }> = [];
  private running = false;

  constructor(
    private readonly write: (scores: ScoreToRecord[]) => Promise<RecordOutcome[]>,
    private readonly maxBatch = 500,
  ) {}

  submit(score: ScoreToRecord): Promise<RecordOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ score, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      try {
        const outcomes = await this.write(batch.map((b) => b.score));
        batch.forEach((b, i) => b.resolve(outcomes[i]));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.running = false;
  }
}
