import { worstCaseCostUsd, type SettledSpendCounter } from '../../../budget/src';
import type { ModelSpec } from '../../../config/src';
import { GatewayError, type ChatRequest } from '../../../core/src';
import { adaptRequestForModel, chatModelCall, costUsd, estimatePromptTokens, promptTokensFor } from '../../../model-call/src';
import { ProviderError, type ProviderRegistry } from '../../../providers/src';
import type { RequestRecordRepository } from '../../../storage/src';
import { JudgeCallError, type CallJudgeModel, type JudgeBudgetRoom, type RecordJudgeCalls } from './model-judge';

/** The whole judge call's limit when its model sets none: a worker slot is not held longer. */
export const JUDGE_TOTAL_TIMEOUT_MS = 60_000;

/**
 * The judge's call as the gateway makes its own (CHAT_ATTEMPTS): the request adapted to the model
 * (upstream name, parameter rules, output cap, prompt template), the model's timeouts, its output limit
 * and thinking mode, through the provider registry's adapters (`response_format` json_object instead of
 * json_schema for a model without structured outputs); priced at the model's list prices on
 * the usage the provider reports (estimated when it reports none). One try: a failure is the judge
 * being unavailable, and the score goes on without it. Used by the BullMQ worker and the in-process queue.
 */
export function judgeModelCaller(models: ReadonlyMap<string, ModelSpec>, providers: ProviderRegistry): CallJudgeModel {
  return async (modelId: string, request: ChatRequest) => {
    const model = models.get(modelId);
    if (!model) throw new JudgeCallError(`judge model "${modelId}" is not configured in this process`);
    const timeouts = { ...model.timeouts, totalMs: model.timeouts.totalMs ?? JUDGE_TOTAL_TIMEOUT_MS };
    const format = judgeRequestFor(model, request);
    const abort = new AbortController();
    try {
      const response = await providers.get(model.providerId).complete(chatModelCall(format, model, abort, timeouts));
      const choice = response.choices?.[0];
      const content = choice?.message?.content ?? null;
      const promptTokens = response.usage?.prompt_tokens ?? Math.ceil(JSON.stringify(request.messages).length / 4);
      const completionTokens = response.usage?.completion_tokens ?? Math.ceil((content?.length ?? 0) / 4);
      return {
        content,
        providerId: model.providerId,
        costUsd: costUsd(model, promptTokens, completionTokens, response.usage?.prompt_tokens_details?.cached_tokens),
        promptTokens,
        completionTokens,
        finishReason: choice?.finish_reason ?? null,
      };
    } catch (err) {
      throw new JudgeCallError(judgeFailureReason(err), model.providerId);
    }
  };
}

/** A model without structured outputs (its capabilities) is asked for a JSON object instead; the parser checks either. */
function judgeRequestFor(model: ModelSpec, request: ChatRequest): ChatRequest {
  return model.capabilities?.json_schema === false && request.response_format?.type === 'json_schema' ? { ...request, response_format: { type: 'json_object' } } : request;
}

/**
 * The most a judge call can cost, as the gateway prices a request's worst case: its prompt as the
 * model counts it (exactly for o200k_base, else about four characters per token times the model's
 * token scale; the response format's schema included) at the input price, and its max_tokens (no more
 * than the model writes) at the output price.
 */
export function judgeWorstCaseUsd(model: ModelSpec, request: ChatRequest): number {
  const sent = adaptRequestForModel(judgeRequestFor(model, request), model);
  return worstCaseCostUsd(model, promptTokensFor(sent, model, estimatePromptTokens(sent)), sent.max_completion_tokens ?? sent.max_tokens ?? undefined);
}

/**
 * The budget check before a judge call: room for its worst case (judgeWorstCaseUsd) in every hard
 * budget of the judged request (key, tenant, route, tier: the ones its cost will count in), read from
 * the shared counters. A model not configured here, or whose adapter refuses the request, is not
 * priced: the call goes on and fails as unavailable without a cost.
 */
export function judgeBudgetRoom(models: ReadonlyMap<string, ModelSpec>, budgets: SettledSpendCounter): JudgeBudgetRoom {
  return async (modelId, request, payer) => {
    const model = models.get(modelId);
    if (!model) return true;
    let worst: number;
    try {
      worst = judgeWorstCaseUsd(model, request);
    } catch {
      return true; // the model's adapter refuses the request: the call fails as unavailable, costing nothing
    }
    return (await budgets.budgetWithoutRoom(payer, worst)) === undefined;
  };
}

/** Why a judge call failed, in words safe to store: the error's kind and status, never the provider's text. */
export function judgeFailureReason(err: unknown): string {
  if (err instanceof ProviderError) return `${err.kind}${err.upstreamStatus ? ` (HTTP ${err.upstreamStatus})` : ''}`;
  if (err instanceof GatewayError) return `the model's adapter refused the request (${err.code ?? err.type})`;
  return 'internal error';
}

/**
 * Judge calls' records and spend entries, written as the gateway writes its own (one idempotent
 * statement); then their cost is counted in the budgets of the judged request (its key's, tenant's,
 * route's and tier's shared counters), which no reservation covered: the request was served already.
 * A failure of either fails the write, and ModelJudge writes the calls again with the next one (the
 * records are a no-op then, and so is the count of a call already counted: by its record id).
 */
export function judgeCallWriter(requests: RequestRecordRepository, budgets: SettledSpendCounter): RecordJudgeCalls {
  return async (records) => {
    await requests.insertBatch(records.map((r) => r.row), records.map((r) => r.spend));
    // Each call counted once by its record id, however often its write is retried (a lost reply included).
    await budgets.count(records.flatMap((r) => (r.spend ? [{ payer: { keyId: r.spend.keyId, tenantId: r.spend.tenantId, route: r.spend.route, tier: r.tier }, costUsd: r.spend.costUsd, id: String(r.row.id) }] : [])));
  };
}
