import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig, EmbeddingModelSpec } from '../../../../libs/config/src';
import { GatewayError, type Clock, type EmbeddingsRequest, type EmbeddingsResponse } from '../../../../libs/core/src';
import { ProviderError, ProviderRegistry, type EmbeddingCall } from '../../../../libs/providers/src';
import { callerTags } from '../../../../libs/router/src';
import type { NewRequestRow } from '../../../../libs/storage/src';
import { BudgetService } from '../budget/budget.service';
import { AttemptRunner, type AttemptLog } from '../chat/attempt-runner';
import type { ChatReply } from '../chat/chat-reply';
import { DEFAULT_FAILOVER } from '../chat/failover-policy';
import type { RequestContext } from '../chat/request-context';
import { markRecorded } from '../errors/openai-error.filter';
import { deploymentKey } from '../health-breaker/deployment-health';
import { RequestEvents } from '../events/request-events';
import { RecordWriter } from '../records/record-writer';
import { SpendTracker } from '../routing/spend-tracker';
import type { GatewayRuntime } from '../runtime';
import { APP_CONFIG, CLOCK, LOG } from '../tokens';
import { EMBEDDING_ATTEMPTS } from './embedding-attempts';
import { toClientEncoding } from './encode-embedding';
import { estimateInputTokens, inputCount, parseEmbeddingsRequest } from './parse-embeddings-request';
import { checkDimensions, resolveEmbeddingTarget, type EmbeddingTarget } from './resolve-embedding-target';
import { emptyRequestRow } from '../../../../libs/storage/src/empty-request-row';

interface Served {
  response: EmbeddingsResponse;
  model: EmbeddingModelSpec;
}

/**
 * One `POST /v1/embeddings` from request to record: validate, resolve the embedding route or model (no
 * learned routing: vectors of different models are not comparable, so the named model serves, or the
 * same catalog model at another provider), check the key, rate limits and budgets as chat does, call
 * the provider with retries on retryable errors, answer in OpenAI's format and encoding, then hand
 * the record and its spend entry to the background writer. No scoring job: nothing is learned.
 */
@Injectable()
export class EmbeddingsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly providers: ProviderRegistry,
    private readonly spend: SpendTracker,
    private readonly records: RecordWriter,
    @Inject(LOG) private readonly log: GatewayRuntime['log'],
    private readonly attempts: AttemptRunner,
    private readonly events: RequestEvents,
    private readonly budget: BudgetService,
  ) {}

  async handle(body: unknown, ctx: RequestContext, reply: ChatReply): Promise<void> {
    const startedAt = this.clock.now();
    const row = emptyRequestRow('embeddings', ctx.requestId, ctx.keyId, startedAt);
    const attempts: AttemptLog[] = [];
    // The caller's tags as chat records them: its key's, then its `x-router-tags` header's (an
    // embeddings request has no `metadata`).
    const tags = callerTags({}, ctx.access?.tags, ctx.callerHeaders?.tags);
    if (tags.length > 0) row.tags = tags.slice();
    try {
      const request = parseEmbeddingsRequest(body);
      const target = resolveEmbeddingTarget(this.config, request.model);
      row.route = target.route;
      for (const model of target.chain) checkDimensions(model, request.dimensions);
      const estimated = estimateInputTokens(request.input);
      const chain = await this.budget.reserveEmbeddings(ctx, target.route, target.chain, estimated);
      const { response, model } = await this.run({ ...target, chain }, request, ctx, attempts, startedAt);
      const usageEstimated = response.usage === undefined;
      const promptTokens = response.usage?.prompt_tokens ?? estimated;
      const cost = (promptTokens * model.inputPer1M) / 1_000_000;
      attempts[attempts.length - 1].costUsd = cost;
      const format = request.encoding_format ?? 'float';
      const answer: EmbeddingsResponse = {
        object: 'list',
        data: response.data.map((item) => ({ object: 'embedding', index: item.index, embedding: toClientEncoding(item.embedding, format)! })),
        model: model.id,
        usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
      };
      void reply
        .headers({
          'x-request-id': ctx.requestId,
          'x-router-route': target.route,
          'x-router-model': model.id,
          'x-router-provider': model.providerId,
          'x-router-attempts': String(attempts.length),
          'x-router-models': [...new Set(attempts.map((a) => a.modelId))].join(','),
          'x-router-cost-usd': cost.toFixed(8),
          ...(usageEstimated ? { 'x-router-usage-estimated': 'true' } : {}),
        })
        .send(answer);
      row.status = 'success';
      row.http_status = 200;
      row.model_id = model.id;
      row.provider_id = model.providerId;
      row.prompt_tokens = promptTokens;
      row.cost_usd = cost;
      this.finish(row, attempts, startedAt);
    } catch (err) {
      if (!(err instanceof GatewayError)) {
        this.log('error', 'embeddings request failed unexpectedly', { requestId: ctx.requestId, error: (err as Error)?.message, stack: (err as Error)?.stack });
      }
      const error = err instanceof GatewayError ? err : GatewayError.internal();
      row.status = 'error';
      row.http_status = error.status;
      row.error_type = error.code ?? error.type;
      row.error_message = error.message.slice(0, 1000);
      this.finish(row, attempts, startedAt);
      throw markRecorded(error);
    }
  }

  /** A request refused before the handler saw it (malformed JSON, oversized body, bad key): still recorded. */
  recordRejected(requestId: string, error: GatewayError): void {
    const now = this.clock.now();
    const row = emptyRequestRow('embeddings', requestId, null, now);
    row.status = 'error';
    row.http_status = error.status;
    row.error_type = error.code ?? error.type;
    row.error_message = error.message.slice(0, 1000);
    this.finish(row, [], now);
  }

  /**
   * Tries the chain's models in order with the chat path's retry loop (AttemptRunner, EMBEDDING_ATTEMPTS):
   * each with its retries (backoff with jitter; a 429's retry-after when short enough) on retryable
   * errors, a malformed answer included (checkAnswer); a client error every model would refuse stops at once.
   */
  private async run(target: EmbeddingTarget, request: EmbeddingsRequest, ctx: RequestContext, attempts: AttemptLog[], requestStartedAt: number): Promise<Served> {
    // A deployment whose circuit is open (docs/fallbacks.md) is tried last, when the chain has another.
    const health = this.attempts.health.deployments;
    const open = (m: EmbeddingModelSpec) => !health.isAvailable(deploymentKey(m));
    const chain = [...target.chain.filter((m) => !open(m)), ...target.chain.filter(open)];
    for (const model of chain) {
      if (!this.providers.get(model.providerId).embed) {
        // The config refuses such a model at start-up; kept for a provider kind registered without embeddings.
        throw GatewayError.invalidRequest(`Model '${model.id}' is served by provider '${model.providerId}', which has no embeddings API.`, 'model', 'model_not_embedding');
      }
    }
    const expected = inputCount(request.input);
    return this.attempts.run({
      kind: EMBEDDING_ATTEMPTS,
      chain,
      policy: { ...DEFAULT_FAILOVER, retries: target.retries },
      request,
      ctx,
      attempts,
      requestStartedAt,
      call: ({ model, call }) => this.embed(model, call, expected),
    });
  }

  /** One try: the provider's answer, checked to hold one decodable vector per input. */
  private async embed(model: EmbeddingModelSpec, call: EmbeddingCall, expected: number): Promise<EmbeddingsResponse> {
    const response = await this.providers.get(model.providerId).embed!(call);
    checkAnswer(response, expected);
    return response;
  }

  /** The record and its spend entry (one write, journaled) to the background writer; every call that reserved has a spend entry. */
  private finish(row: NewRequestRow, attempts: AttemptLog[], startedAt: number): void {
    row.latency_ms = this.clock.now() - startedAt;
    row.attempts = JSON.stringify(attempts);
    if (row.route && row.cost_usd) this.spend.add(row.route, row.cost_usd);
    this.records.add({ row, spend: this.budget.settle(row) });
    this.events.finished(row);
  }
}

/** One vector per input, each decodable: anything else is a malformed answer (retried like one). */
function checkAnswer(response: EmbeddingsResponse, expected: number): void {
  if (response.data.length !== expected) {
    throw new ProviderError('malformed_response', `Upstream returned ${response.data.length} embeddings for ${expected} inputs.`);
  }
  response.data.forEach((item, i) => {
    if (item.index !== i) throw new ProviderError('malformed_response', `Upstream returned embeddings numbered ${response.data.map((d) => d.index).join(',')} for ${expected} inputs.`);
    if (typeof item.embedding === 'string' && toClientEncoding(item.embedding, 'float') === undefined) {
      throw new ProviderError('malformed_response', 'Upstream returned a base64 embedding that is not float32 values.');
    }
  });
}
