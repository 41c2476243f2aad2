import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { GatewayError, type Clock } from '../../../../libs/core/src';
import type { JobQueue } from '../../../../libs/queue/src';
import { isStorableText, RequestRecordRepository } from '../../../../libs/storage/src';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { RecordWriter } from '../records/record-writer';
import { CLOCK, JOB_QUEUE } from '../tokens';

/** Looked up and stored as sent: Postgres refuses a NUL in either (a 500, or a job that never succeeds). */
const storable = (min: number, max: number) => z.string().min(min).max(max).refine(isStorableText, 'must not hold a NUL character or an unpaired surrogate');

const feedbackSchema = z
  .object({
    request_id: storable(1, 200),
    score: z.union([z.number().min(0).max(1), z.boolean()]),
    comment: storable(0, 2000).optional(),
  })
  .strict();

/** `POST /v1/feedback`: a user's verdict on an answer, which counts toward that request's reward. */
@Controller('v1')
@UseGuards(GatewayKeyGuard)
export class FeedbackController {
  constructor(
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly requests: RequestRecordRepository,
    private readonly records: RecordWriter,
  ) {}

  @Post('feedback')
  @HttpCode(202)
  async create(@Body() body: unknown) {
    const parsed = feedbackSchema.safeParse(body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const param = issue.path.join('.') || null;
      throw GatewayError.invalidRequest(`Invalid value for '${param ?? 'body'}': ${issue.message}`, param, 'invalid_value');
    }
    const { request_id: requestId, comment } = parsed.data;
    const score = typeof parsed.data.score === 'boolean' ? Number(parsed.data.score) : parsed.data.score;
    const kind = this.records.pendingKind(requestId) ?? (await this.requests.kindOf(requestId));
    if (kind === undefined) throw GatewayError.notFound(`No request with id '${requestId}'.`, 'request_not_found', 'request_id');
    if (kind === 'judge') throw GatewayError.notFound(`No request with id '${requestId}'.`, 'request_not_found', 'request_id');
    if (kind === 'embeddings') {
      throw GatewayError.invalidRequest(`Request '${requestId}' is an embeddings call: nothing is learned from embeddings, so it takes no feedback.`, 'request_id', 'feedback_not_applicable');
    }
    const at = new Date(this.clock.now()).toISOString();
    await this.queue.add({ name: 'apply-feedback', data: { requestId, score, comment: comment ?? null, at } });
    return { object: 'feedback', request_id: requestId, score, status: 'accepted' };
  }
}
