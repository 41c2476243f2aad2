import { randomUUID } from 'node:crypto';
import type { Clock, ChatRequest } from '../../../core/src';
import type { ScoreResponseJob } from '../../../queue/src/jobs';
import type { NewRequestRow } from '../../../storage/src/database';
import { emptyRequestRow } from '../../../storage/src/empty-request-row';
import type { RecordSpend } from '../../../storage/src/repositories/spend-ledger.repository';
import type { JudgeOutcome } from './combine-judge';
import { buildJudgeRequest } from './judge-prompt';
import { parseJudgeVerdict } from './parse-judge-verdict';

/** What one call of the judge model returned and cost. */
export interface JudgeModelReply {
  content: string | null;
  providerId: string;
  costUsd: number;
  promptTokens: number;
  completionTokens: number;
  finishReason: string | null;
}

/**
 * Calls a configured chat model through the provider adapters (the gateway's call layer); rejects on
 * a failure. A {@link JudgeCallError} says why in words fit for a record (never the provider's text).
 */
export type CallJudgeModel = (modelId: string, request: ChatRequest) => Promise<JudgeModelReply>;

/** A judge call that failed, with a reason safe to store (the error kind, an HTTP status). */
export class JudgeCallError extends Error {
  constructor(
    readonly reason: string,
    readonly providerId: string | null = null,
  ) {
    super(reason);
    this.name = 'JudgeCallError';
  }
}

/** Who pays for a judge call: the judged request's tenant, key, route and route tier. */
export interface JudgePayer {
  tenantId: string;
  keyId: string | null;
  route: string;
  tier?: string;
}

/**
 * Whether the payer's hard budgets have room for this judge call's worst case (its prompt and output
 * limit at the judge model's prices) in the shared counters; false skips the call.
 */
export type JudgeBudgetRoom = (modelId: string, request: ChatRequest, payer: JudgePayer) => Promise<boolean>;

/** A judge call's request record and, when the judged request had a payer, its spend entry. */
export interface JudgeCallRecord {
  row: NewRequestRow;
  spend: RecordSpend | undefined;
  /** The judged request's route tier, whose budget the call counts in too. */
  tier?: string;
}

/**
 * Writes judge calls' records and spend entries, idempotently by record id (RequestRecordRepository.insertBatch),
 * then counts their cost in the payers' budgets; a batch that fails is written and counted again with the next.
 */
export type RecordJudgeCalls = (records: JudgeCallRecord[]) => Promise<unknown>;

/** Judge calls whose record could not be written yet, kept for the next write; beyond it the oldest are dropped. */
export const MAX_UNWRITTEN_JUDGE_CALLS = 10_000;

/**
 * The judge of a sampled score job: puts the fixed prompt (buildJudgeRequest) to the route's judge
 * model, records the call (a `judge` request record, attributed to the route, and its spend entry),
 * and reads the verdict. It is not called when the judged request's hard budgets have no room left for
 * its worst case (`skipped: budget`). A failure (upstream error, timeout, unreadable verdict) is an `unavailable`
 * outcome: the response is then scored by its validators alone, never lost nor retried for the judge.
 */
export class ModelJudge {
  private unwritten: JudgeCallRecord[] = [];

  constructor(
    private readonly call: CallJudgeModel,
    private readonly record: RecordJudgeCalls,
    private readonly clock: Clock,
    private readonly callId: () => string = randomUUID,
    /** Checked before each call of a judged request with a payer; without it every call is made. */
    private readonly budgetRoom?: JudgeBudgetRoom,
  ) {}

  async judge(job: ScoreResponseJob): Promise<JudgeOutcome> {
    const judge = job.judge;
    if (!judge) return { kind: 'skipped', reason: 'not sampled' };
    const request = buildJudgeRequest(judge, { rubric: judge.rubric, maxTokens: judge.maxTokens });
    // A call that could take a hard budget past its cap is not made (no record, no spend): the validators score alone.
    if (judge.billing && this.budgetRoom) {
      const payer: JudgePayer = { tenantId: judge.billing.tenantId, keyId: judge.billing.keyId, route: job.route, ...(judge.billing.tier ? { tier: judge.billing.tier } : {}) };
      if (!(await this.budgetRoom(judge.modelId, request, payer))) return { kind: 'skipped', reason: 'budget' };
    }
    const startedAt = this.clock.now();
    // One record per call made (a retried job that calls again is billed again): never deduplicated away.
    const row: NewRequestRow = {
      ...emptyRequestRow('judge', `${job.requestId}-judge-${this.callId()}`, judge.billing?.keyId ?? null, startedAt),
      route: job.route,
      context_key: job.contextKey,
      model_id: judge.modelId,
      status: 'success',
      http_status: 200,
    };
    let outcome: JudgeOutcome;
    try {
      const reply = await this.call(judge.modelId, request);
      Object.assign(row, { provider_id: reply.providerId, cost_usd: reply.costUsd, prompt_tokens: reply.promptTokens, completion_tokens: reply.completionTokens, finish_reason: reply.finishReason });
      const parsed = parseJudgeVerdict(reply.content);
      outcome = parsed.ok ? { kind: 'verdict', verdict: parsed.verdict } : { kind: 'unavailable', reason: parsed.error };
    } catch (err) {
      const reason = err instanceof JudgeCallError ? err.reason : 'internal error';
      Object.assign(row, { status: 'error', http_status: 502, error_type: 'judge_failed', error_message: reason, provider_id: err instanceof JudgeCallError ? err.providerId : null });
      outcome = { kind: 'unavailable', reason };
    }
    row.latency_ms = this.clock.now() - startedAt;
    const spend: RecordSpend | undefined = judge.billing && { tenantId: judge.billing.tenantId, keyId: judge.billing.keyId, route: job.route, modelId: judge.modelId, costUsd: Number(row.cost_usd ?? 0) };
    await this.write({ row, spend, ...(judge.billing?.tier ? { tier: judge.billing.tier } : {}) });
    return outcome;
  }

  /**
   * Writes this call's record with any earlier ones whose write failed. A write that fails fails the
   * job (the queue retries it, and the score waits), and the call stays here, written with the next
   * call's record (ids make a second write a no-op): a paid call is not lost to a database outage
   * unless this process ends first.
   */
  private async write(entry: JudgeCallRecord): Promise<void> {
    const batch = [...this.unwritten, entry];
    try {
      await this.record(batch);
      const written = new Set(batch);
      this.unwritten = this.unwritten.filter((e) => !written.has(e));
    } catch (err) {
      this.unwritten.push(entry);
      if (this.unwritten.length > MAX_UNWRITTEN_JUDGE_CALLS) this.unwritten.splice(0, this.unwritten.length - MAX_UNWRITTEN_JUDGE_CALLS);
      throw err;
    }
  }
}
