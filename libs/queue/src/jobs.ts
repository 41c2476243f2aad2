import { createHash } from 'node:crypto';
import { z } from 'zod';
import { validatorConfigSchema } from '../../config/src/router-config.schema';
import { MAX_HASHED_FEATURES } from '../../router/src/context/hashed-features';
import { WORD_MODEL } from '../../router/src/hashed-logistic';

/** The catalogue of queues and jobs, with a typed payload per job, validated when a worker takes it. */
export const SCORING_QUEUE = 'scoring';
/** Where jobs that failed for good (poison payloads, attempts exhausted) are kept for inspection. */
export const SCORING_DEAD_QUEUE = 'scoring-dead';

export const scoreResponseJobSchema = z.object({
  requestId: z.string().min(1),
  route: z.string().min(1),
  contextKey: z.string(),
  modelId: z.string().min(1),
  costUsd: z.number().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  discount: z.number().gt(0).max(1),
  /** Explicit feedback's share of the reward (the route's `feedback_weight`); 0.5 when absent (older jobs). */
  feedbackWeight: z.number().min(0).max(1).optional(),
  /**
   * For a route with `learner: hashed_words`: the prompt's hashed-word buckets (libs/router
   * wordPromptFeatures, 2^WORD_MODEL.bits of them), the model's cold-start prior quality, and the
   * served model's context belief as a logit at decision time (planRoute's `wordOffsetLogits`), which its
   * word model is scored against (libs/router scoreAgainstContext).
   */
  words: z
    .object({
      features: z
        .array(z.number().int().min(0).max(2 ** WORD_MODEL.bits - 1))
        .min(1)
        .max(MAX_HASHED_FEATURES),
      priorQuality: z.number().min(0).max(1).optional(),
      offset: z.number().finite().optional(),
    })
    .optional(),
  /**
   * For a route with safe exploration (`floor_confidence`) and the contexts learner: its floor and
   * confidence, which tell a drift alarm on the context's proven anchor from any other (libs/router
   * nextRefutedMarker). Absent (older jobs, other routes): no anchor is marked refuted.
   */
  refute: z.object({ qualityFloor: z.number().min(0).max(1), floorConfidence: z.number().gt(0.5).lt(1) }).optional(),
  validators: z.array(validatorConfigSchema),
  /**
   * Only on a request the gateway sampled for its route's judge model (route option `judge`): what the
   * judge needs, bounded (libs/scoring judgeTranscript), and who pays for its call. Absent: not judged.
   */
  judge: z
    .object({
      modelId: z.string().min(1),
      weight: z.number().min(0).max(1),
      rubric: z.string().max(4000).optional(),
      maxTokens: z.number().int().positive(),
      conversation: z.array(z.object({ role: z.string(), text: z.string().max(8000) })).max(50),
      answer: z.string().max(16000),
      truncated: z.boolean(),
      /**
       * The tenant and key of the judged request, whose spend ledger the judge's call goes to, and its
       * route tier: the call counts in the same budgets as the judged request (key, tenant, route, tier).
       */
      billing: z.object({ tenantId: z.string().min(1), keyId: z.string().nullable(), tier: z.string().min(1).optional() }).optional(),
    })
    .optional(),
  request: z.object({
    responseFormat: z
      .union([
        z.object({ type: z.literal('text') }),
        z.object({ type: z.literal('json_object') }),
        z.object({ type: z.literal('json_schema'), schema: z.record(z.unknown()).optional(), strict: z.boolean().optional() }),
      ])
      .optional(),
    // Custom tools first: a union keeps the first member that fits, and `type` is optional on functions (older jobs).
    tools: z
      .array(z.union([z.object({ type: z.literal('custom'), name: z.string() }), z.object({ type: z.literal('function').optional(), name: z.string(), parameters: z.record(z.unknown()).optional() })]))
      .optional(),
  }),
  response: z.object({
    content: z.string().nullable(),
    refusal: z.string().nullable().optional(),
    toolCalls: z.array(
      z.union([z.object({ type: z.literal('custom'), name: z.string(), input: z.string() }), z.object({ type: z.literal('function').optional(), name: z.string(), arguments: z.string() })]),
    ),
    finishReason: z.string().nullable(),
  }),
});

export const applyFeedbackJobSchema = z.object({
  requestId: z.string().min(1),
  score: z.number().min(0).max(1),
  comment: z.string().max(2000).nullable(),
  at: z.string().datetime(),
});

export type ScoreResponseJob = z.infer<typeof scoreResponseJobSchema>;
export type ApplyFeedbackJob = z.infer<typeof applyFeedbackJobSchema>;

export type QueuedJob = { name: 'score-response'; data: ScoreResponseJob } | { name: 'apply-feedback'; data: ApplyFeedbackJob };

/** Deterministic ids: a retried or duplicated enqueue of the same work is the same job. */
export function jobId(job: QueuedJob): string {
  if (job.name === 'score-response') return `score-${job.data.requestId}`;
  return `feedback-${job.data.requestId}-${job.data.at.replace(/[^0-9]/g, '')}-${Math.round(job.data.score * 1e6)}`;
}

/**
 * Several jobs carried by one BullMQ job (`addMany`): the queue's own per-job work (a Lua script to add,
 * one to take, one to complete, a lock) is paid once per batch instead of once per request. Each entry
 * is validated on its own when the batch is taken: a malformed one is dead-lettered alone.
 */
export const JOB_BATCH = 'batch';

export const jobBatchSchema = z.object({ jobs: z.array(z.object({ name: z.string(), data: z.unknown() })).min(1) });
export type JobBatch = z.infer<typeof jobBatchSchema>;

/** The same jobs make the same batch id, so a batch enqueued again (a journal replay) is not queued twice. */
export function batchJobId(jobs: readonly QueuedJob[]): string {
  const hash = createHash('sha256');
  for (const job of jobs) hash.update(jobId(job)).update('\n');
  return `batch-${hash.digest('hex').slice(0, 32)}`;
}

/** Validates a job taken off a queue; a malformed payload is a poison job, never retried. */
export function parseJob(name: string, data: unknown): QueuedJob {
  if (name === 'score-response') return { name, data: scoreResponseJobSchema.parse(data) };
  if (name === 'apply-feedback') return { name, data: applyFeedbackJobSchema.parse(data) };
  throw new Error(`unknown job "${name}"`);
}
