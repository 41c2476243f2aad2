import { once } from 'node:events';
import { Inject, Injectable } from '@nestjs/common';
import { implicitRoute, type AppConfig, type FailoverSpec, type ModelSpec, type RouteSpec } from '../../../../libs/config/src';
import { GatewayError, THOUGHT_BEFORE, type ChatChunk, type ChatReasoningFields, type ChatRequest, type ChatThinkingBlock, type ChatResponse, type Clock, type Random, type Usage } from '../../../../libs/core/src';
import { ProviderError, ProviderRegistry } from '../../../../libs/providers/src';
import { extractPromptContext } from '../../../../libs/router/src';
import type { JobQueue, QueuedJob, ScoreResponseJob } from '../../../../libs/queue/src';
import type { NewRequestRow } from '../../../../libs/storage/src';
import type { RecordSpend } from '../../../../libs/storage/src/repositories/spend-ledger.repository';
import { judgeTranscript, type ScoredTool, type ScoredToolCall } from '../../../../libs/scoring/src';
import { RecordWriter } from '../records/record-writer';
import { callerContextFor } from '../routing/caller-context';
import { LearnedState } from '../routing/learned-state';
import { costUsd, estimatePromptTokens, ignoredParams, promptTemplateFor } from '../../../../libs/model-call/src';
import { planRoute, type RoutePlan } from '../routing/plan-route';
import { SpendTracker } from '../routing/spend-tracker';
import { refusesToolTurn } from '../routing/tool-turn-without-thinking';
import type { GatewayRuntime } from '../runtime';
import { APP_CONFIG, CLOCK, JOB_QUEUE, LOG, RANDOM } from '../tokens';
import { markRecorded } from '../errors/openai-error.filter';
import { BudgetService } from '../budget/budget.service';
import { RequestEvents } from '../events/request-events';
import { countsAgainstDeployment, deploymentKey, schemaKey } from '../health-breaker/deployment-health';
import { AttemptRunner, type AttemptLog, type Rejection } from './attempt-runner';
import { CHAT_ATTEMPTS } from './chat-attempts';
import type { ChatReply } from './chat-reply';
import { chatFormat, type AnswerFormat, type ClientFormat, type RouterStreamReport, type StreamWriter } from './client-format';
import { continuationRequest } from './continuation';
import { buildChain, resolveFailover, retryDelayMs } from './failover-policy';
import { guardStream, hasOutput } from './guard-stream';
import { inlineRejection } from './inline-checks';
import type { RequestContext } from './request-context';
import { mapProviderError } from './map-provider-error';
import { takeRouterExtension } from './router-extension';
import { StreamAccumulator } from './stream-accumulator';
import { emptyRequestRow } from '../../../../libs/storage/src/empty-request-row';


interface Served {
  model: ModelSpec;
  usage: Usage | undefined;
  /** The tokens the answer was billed on (`usage`, else estimated): recorded, and learned as the model's answer length. */
  billed: BilledTokens;
  content: string | null;
  refusal: string | null;
  toolCalls: ScoredToolCall[];
  finishReason: string | null;
  ttftMs: number | null;
}

/** One request's fallback chain and policy, resolved from the route and the request's `x_router`. */
interface Failover {
  policy: FailoverSpec;
  chain: ModelSpec[];
}

/** A stream opened on one model: chunks read up to the first output (hasOutput), and the rest to come. */
interface OpenedStream {
  iterator: AsyncIterator<ChatChunk>;
  buffered: ChatChunk[];
}

/**
 * How the model streaming now follows a failed one: not at all; `restart`, answering the client's
 * request afresh because nothing of the answer had been written (at most reasoning); `continuation`,
 * continuing the partial answer (continuationRequest).
 */
type Following = 'none' | 'restart' | 'continuation';

/** The thinking blocks a chunk's answer delta says were completed before it (THOUGHT_BEFORE), if any. */
function thoughtBefore(chunk: ChatChunk): ChatThinkingBlock[] | undefined {
  return (chunk.choices?.find((c) => c.index === 0)?.delta as ChatReasoningFields | undefined)?.[THOUGHT_BEFORE];
}

/** Whether a chunk carries Claude's thinking blocks (the delta the Anthropic adapter sends before the finish). */
function carriesThinkingBlocks(chunk: ChatChunk): boolean {
  return chunk.choices.some((c) => ((c.delta as ChatReasoningFields | undefined)?.thinking_blocks?.length ?? 0) > 0);
}

/**
 * One chat completion from request to record: validate, resolve the route, let the bandit choose,
 * call the provider along the fallback chain (retries, fallbacks, mid-stream failover, inline checks),
 * answer the client, then hand the record and its scoring job to the background writer.
 */
@Injectable()
export class ChatService {
  /** The route a request naming a configured model directly gets (one per model). */
  private readonly implicitRoutes = new Map<string, RouteSpec>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
    private readonly providers: ProviderRegistry,
    private readonly learned: LearnedState,
    private readonly spend: SpendTracker,
    private readonly records: RecordWriter,
    @Inject(LOG) private readonly log: GatewayRuntime['log'],
    private readonly attempts: AttemptRunner,
    private readonly events: RequestEvents,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    private readonly budget: BudgetService,
  ) {}

  /** `format`: the API the client speaks (Chat Completions unless said otherwise); the pipeline is the same. */
  async handle(body: unknown, ctx: RequestContext, reply: ChatReply, format: ClientFormat = chatFormat): Promise<void> {
    const startedAt = this.clock.now();
    const row = emptyRequestRow('chat', ctx.requestId, ctx.keyId, startedAt);
    const attempts: AttemptLog[] = [];
    try {
      const { request, extension } = takeRouterExtension(format.read(body), this.config.models);
      row.streamed = request.stream === true;
      const route = this.resolveRoute(request.model);
      row.route = route.name;
      const caller = callerContextFor(route, request, ctx.access, ctx.callerHeaders);
      if (caller.tags.length > 0) row.tags = caller.tags.slice();
      const promptContext = extractPromptContext(request, caller);
      row.context_key = promptContext.contextKey;
      const exclude = (m: ModelSpec) => this.attempts.health.exclusion(route.name, m);
      const plan = planRoute({
        route,
        models: this.config.models,
        request,
        promptTokens: estimatePromptTokens(request),
        caller,
        arms: this.learned.armsFor(route.name),
        contextKey: promptContext.contextKey,
        contextArms: this.learned.armsFor(route.name, promptContext.contextKey),
        refutedModelId: this.learned.refutedIn(route.name, promptContext.contextKey),
        ...(route.learner === 'hashed_words' ? { wordArms: this.learned.wordArmsFor(route.name, route.candidates, route.priorQuality) } : {}),
        spentTodayUsd: this.spend.spentToday(route.name),
        random: this.random,
        exclude,
        budgetPressure: this.budget.pressure(ctx, route.name),
      });
      await this.budget.reserve(ctx, plan, request);
      row.decision_reason = plan.decision.reason;
      const policy = resolveFailover(route, extension);
      // The request's own x_router.fallbacks may not leave the providers its route (or tier) allows, nor
      // go to a model that refuses its tool turn (planRoute's exclusion, for the fallbacks too).
      const allowed = (plan.tier ?? plan.route).allowedProviders;
      const outOfBounds = (m: ModelSpec) => exclude(m) !== undefined || (allowed !== undefined && !allowed.includes(m.providerId)) || refusesToolTurn(m, plan.toolTurn);
      const failover: Failover = { policy, chain: buildChain(plan, policy, this.config.models, outOfBounds) };
      const answer = format.answer(request);
      if (request.stream) await this.stream(request, plan, ctx, reply, row, attempts, startedAt, failover, answer);
      else await this.complete(request, plan, ctx, reply, row, attempts, startedAt, failover, answer);
    } catch (err) {
      if (!(err instanceof GatewayError)) {
        this.log('error', 'chat completion failed unexpectedly', { requestId: ctx.requestId, error: (err as Error)?.message, stack: (err as Error)?.stack });
      }
      const chatError = err instanceof GatewayError ? err : GatewayError.internal();
      const error = format.error ? format.error(chatError) : chatError;
      row.cost_usd = totalCost(attempts);
      this.finishWithError(row, attempts, error, startedAt);
      throw markRecorded(error);
    }
  }

  /** A request rejected before it reached the handler (malformed JSON, oversized body): still recorded. */
  recordRejected(requestId: string, keyId: string | null, error: GatewayError): void {
    const row = emptyRequestRow('chat', requestId, keyId, this.clock.now());
    this.finishWithError(row, [], error, this.clock.now());
  }

  private resolveRoute(name: string): RouteSpec {
    const route = this.config.routes.get(name);
    if (route) return route;
    if (this.config.models.has(name)) {
      // One route object per model, kept: per-route caches (planRoute's candidates) key on it.
      let implicit = this.implicitRoutes.get(name);
      if (!implicit) {
        implicit = implicitRoute(name);
        this.implicitRoutes.set(name, implicit);
      }
      return implicit;
    }
    if (this.config.embeddingModels.has(name) || this.config.embeddingRoutes.has(name)) {
      throw GatewayError.invalidRequest(`'${name}' is an embedding model or route: it creates embeddings (POST /v1/embeddings), not chat completions.`, 'model', 'model_not_chat');
    }
    throw GatewayError.notFound(`The model or route '${name}' does not exist.`, 'model_not_found', 'model');
  }

  private async complete(request: ChatRequest, plan: RoutePlan, ctx: RequestContext, reply: ChatReply, row: NewRequestRow, attempts: AttemptLog[], startedAt: number, failover: Failover, answer: AnswerFormat): Promise<void> {
    const wantsSchema = request.response_format?.type === 'json_schema';
    const { response, model } = await this.attempts.run({
      kind: CHAT_ATTEMPTS,
      chain: failover.chain,
      policy: failover.policy,
      request,
      ctx,
      attempts,
      requestStartedAt: startedAt,
      call: ({ model: m, call }) => this.providers.get(m.providerId).complete(call),
      accept: (res, m, attempt) => {
        const served = this.servedFrom(res, m, plan);
        attempt.costUsd = this.costOf(served);
        const rejection = inlineRejection(this.scoringInput(request, served), plan.route.validators);
        if (wantsSchema) {
          const key = schemaKey(plan.route.name, m.id);
          if (rejection?.validator === 'json_schema') this.attempts.health.schemas.recordFailure(key);
          else this.attempts.health.schemas.recordSuccess(key);
        }
        if (rejection) this.scoreRejected(row, served, plan, request, attempt, attempts.length, rejection);
        return rejection;
      },
    });
    const served = this.servedFrom(response, model, plan);
    const cost = this.costOf(served);
    const body: ChatResponse = { ...response, id: ctx.requestId, model: model.id };
    attempts[attempts.length - 1].costUsd = cost;
    void reply.headers(this.routerHeaders(ctx, plan, model, attempts, request, answer)).header('x-router-cost-usd', totalCost(attempts).toFixed(8)).send(answer.body(body, Math.floor(startedAt / 1000)));
    this.finishServed(row, attempts, served, plan, request, cost, startedAt);
  }

  private async stream(request: ChatRequest, plan: RoutePlan, ctx: RequestContext, reply: ChatReply, row: NewRequestRow, attempts: AttemptLog[], startedAt: number, failover: Failover, answer: AnswerFormat): Promise<void> {
    const open = (chain: ModelSpec[], req: ChatRequest, continuation: boolean, resume?: { retry: number; waitMs: number }) =>
      this.attempts.run({
        kind: CHAT_ATTEMPTS,
        chain,
        policy: failover.policy,
        request: req,
        ctx,
        attempts,
        requestStartedAt: startedAt,
        continuation,
        ...(resume ? { resume } : {}),
        call: ({ model: m, call, abort, timeouts, startedAt: callStartedAt }) =>
          this.openStream(guardStream(this.providers.get(m.providerId).stream(call)[Symbol.asyncIterator](), timeouts, abort, () => this.clock.now() - callStartedAt)),
      });
    let segment = await open(failover.chain, request, false);
    const ttftMs = this.clock.now() - startedAt;
    const firstModel = segment.model;
    const raw = reply.raw;
    const early = reply.getHeaders();
    reply.hijack();
    raw.writeHead(200, {
      ...early,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...this.routerHeaders(ctx, plan, firstModel, attempts, request, answer),
    });
    const writer = answer.stream({ requestId: ctx.requestId, model: firstModel.id, createdAt: Math.floor(startedAt / 1000) });
    const opening = writer.start();
    if (opening) await this.writeText(raw, opening);
    const acc = new StreamAccumulator();
    const servedBy: string[] = [];
    const usage: Usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    const billed: BilledTokens = { prompt: 0, completion: 0, cached: 0 };
    let remaining = failover.chain.slice(segment.index + 1);
    let failovers = 0;
    /** How the model now streaming follows the one before it (forClient). */
    let following: Following = 'none';
    let failure: GatewayError | undefined;
    let finish: ChatChunk | undefined;
    let created: number | undefined;
    /**
     * The thinking blocks of the answer the client was sent, from a model that answered its own request
     * (not a continuation): if a continuation ends the answer, they go out in place of its own (forClient leaves those out).
     */
    const answerThinking: ChatThinkingBlock[] = [];
    for (;;) {
      const attempt = attempts[attempts.length - 1];
      const model = segment.model;
      const part = new StreamAccumulator();
      servedBy.push(model.id);
      try {
        const { iterator, buffered } = segment.response;
        let next: IteratorResult<ChatChunk> = buffered.length > 0 ? { done: false, value: buffered.shift()! } : await iterator.next();
        while (!next.done) {
          const chunk = next.value;
          part.add(chunk);
          if (following !== 'continuation') answerThinking.push(...(thoughtBefore(chunk) ?? []));
          acc.add(chunk);
          created ??= chunk.created;
          if (chunk.choices?.some((c) => c.finish_reason)) {
            // The last finish chunk is held back to carry x_router; with n > 1 every choice finishes in
            // its own chunk, so one held earlier goes out now.
            if (finish && !ctx.signal.aborted) {
              const drained = this.writeChunk(raw, writer, this.forClient(finish, ctx, firstModel, created, following));
              if (drained) await drained;
            }
            finish = chunk;
          } else if ((chunk.choices?.length ?? 0) > 0 && !ctx.signal.aborted) {
            const drained = this.writeChunk(raw, writer, this.forClient(chunk, ctx, firstModel, created, following));
            if (drained) await drained;
          }
          next = buffered.length > 0 ? { done: false, value: buffered.shift()! } : await iterator.next();
        }
        if (!part.finishReason) throw new ProviderError('connection', 'The upstream stream ended before the answer was finished.', undefined, undefined, true);
        attempt.costUsd = this.billPart(model, part, plan, billed);
        addUsage(usage, part.usage);
        break;
      } catch (err) {
        attempt.costUsd = this.billPart(model, part, plan, billed);
        addUsage(usage, part.usage);
        const providerError = err instanceof ProviderError ? err : undefined;
        Object.assign(attempt, { status: 'error', errorKind: providerError?.kind ?? 'internal', midStream: true, message: (err as Error).message.slice(0, 300), latencyMs: this.clock.now() - startedAt - attempt.startedAtMs });
        if (providerError && countsAgainstDeployment(providerError) && !ctx.signal.aborted) this.attempts.health.deployments.recordFailure(deploymentKey(model));
        // Nothing of the answer written yet (only reasoning): the request is answered afresh, by this
        // model again while it has retries left (as before anything was sent), else by the next; a
        // continuation would ask for the rest of an empty answer.
        const restart = acc.content === '';
        const retryIn = restart && providerError ? retryDelayMs(providerError, attempt.retry, failover.policy, this.random) : undefined;
        const onward = retryIn === undefined ? remaining : [model, ...remaining];
        const canContinue = providerError !== undefined && !ctx.signal.aborted && onward.length > 0 && part.calls().length === 0 && acc.calls().length === 0;
        if (!canContinue) {
          failure = ctx.signal.aborted ? GatewayError.clientClosed() : providerError ? mapProviderError(providerError, model) : GatewayError.internal('The stream failed.');
          break;
        }
        try {
          following = restart ? 'restart' : 'continuation';
          segment = await open(onward, restart ? request : continuationRequest(request, acc.content), true, retryIn === undefined ? undefined : { retry: attempt.retry + 1, waitMs: retryIn });
          remaining = onward.slice(segment.index + 1);
          failovers += 1;
        } catch (openErr) {
          failure = openErr instanceof GatewayError ? openErr : GatewayError.internal('The stream failed.');
          break;
        }
      }
    }
    const lastModel = segment.model;
    const served: Served = { model: lastModel, usage: usage.total_tokens > 0 ? usage : undefined, billed, content: acc.content || null, refusal: acc.refusal || null, toolCalls: acc.calls(), finishReason: acc.finishReason, ttftMs };
    const report: RouterStreamReport = { ...this.attemptSummary(attempts), failovers, served_by: servedBy, cost_usd: totalCost(attempts) };
    if (!raw.destroyed) {
      if (failure) {
        raw.write(writer.fail(failure, report));
      } else {
        // The answer ended on a continuation, whose own blocks were left out: the blocks of the model that
        // began it go out where the chat stream sends blocks, just before the finish (docs/fallbacks.md).
        if (following === 'continuation' && answerThinking.length > 0) {
          const drained = this.writeChunk(raw, writer, this.thinkingChunk(answerThinking, ctx, firstModel, created ?? Math.floor(startedAt / 1000)));
          if (drained) await drained;
        }
        const last = finish && this.forClient(finish, ctx, firstModel, created, 'none');
        await this.writeText(raw, writer.end(last, usage, report, created));
      }
      raw.end();
    }
    if (failure) {
      row.model_id = lastModel.id;
      row.provider_id = lastModel.providerId;
      this.applyUsage(row, served, totalCost(attempts));
      row.ttft_ms = ttftMs;
      this.finishWithError(row, attempts, failure, startedAt, 200);
      return;
    }
    this.finishServed(row, attempts, served, plan, request, attempts[attempts.length - 1].costUsd, startedAt);
  }

  /**
   * Reads up to the first chunk that shows the client something (hasOutput: answer or readable
   * reasoning), so that a failure before it is an ordinary fallback; from there the client is sent
   * what comes as it comes, and `ttft_ms` is this moment, as guardStream's first-token limit.
   */
  private async openStream(iterator: AsyncIterator<ChatChunk>): Promise<OpenedStream> {
    const buffered: ChatChunk[] = [];
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        if (buffered.some(hasOutput)) return { iterator, buffered };
        throw new ProviderError('malformed_response', 'The upstream stream ended without any content.');
      }
      buffered.push(next.value);
      if (hasOutput(next.value)) return { iterator, buffered };
    }
  }

  /**
   * One consistent stream whatever model wrote each part: the request's id, the first model's name and
   * creation time on every chunk; a following model's role-only opening chunk is dropped. Its
   * thinking blocks (`thinking_blocks`, and those its first answer delta carries in `THOUGHT_BEFORE`)
   * go on only after a restart (it answered the client's own request, so they belong with its answer);
   * a continuation's were made for the continuation request, whose transcript (the partial answer as
   * an assistant turn, then the instruction to continue) is not the conversation the client will send
   * back, and Anthropic refuses a block whose prefix changed (docs/fallbacks.md). The blocks of the
   * model that began the answer go out instead (`stream`, thinkingChunk).
   */
  private forClient(chunk: ChatChunk, ctx: RequestContext, model: ModelSpec, created: number | undefined, following: Following): ChatChunk | undefined {
    if ((chunk.choices?.length ?? 0) === 0) return undefined;
    // `usage: undefined` leaves it out of the JSON; a `delete` would turn the copy into a slow dictionary object.
    const out: ChatChunk = { ...chunk, id: ctx.requestId, model: model.id, created: created ?? chunk.created, usage: undefined };
    if (following !== 'none') {
      out.choices = out.choices.map((c) => {
        const delta = c.delta as (typeof c.delta & ChatReasoningFields) | undefined;
        if (!delta || (!delta.role && (following === 'restart' || delta[THOUGHT_BEFORE] === undefined))) return c;
        const { role: _role, [THOUGHT_BEFORE]: thought, ...rest } = delta;
        return { ...c, delta: following === 'restart' && thought ? { ...rest, [THOUGHT_BEFORE]: thought } : rest };
      });
      if (!hasOutput(out) && !(following === 'restart' && carriesThinkingBlocks(out))) return undefined;
    }
    return out;
  }

  /** The chat stream's `thinking_blocks` delta, as the Anthropic adapter writes it before the finish. */
  private thinkingChunk(blocks: ChatThinkingBlock[], ctx: RequestContext, model: ModelSpec, created: number): ChatChunk {
    const delta: ChatChunk['choices'][number]['delta'] & ChatReasoningFields = { thinking_blocks: blocks };
    return { id: ctx.requestId, object: 'chat.completion.chunk', created, model: model.id, choices: [{ index: 0, delta, finish_reason: null, logprobs: null }] };
  }

  /** Writes one chunk in the client's format; returns a promise only when the client is slower than the stream (wait for it to drain). */
  private writeChunk(raw: ChatReply['raw'], writer: StreamWriter, chunk: ChatChunk | undefined): Promise<unknown> | undefined {
    if (!chunk || raw.destroyed) return undefined;
    return this.writeText(raw, writer.chunk(chunk));
  }

  private writeText(raw: ChatReply['raw'], text: string): Promise<unknown> | undefined {
    if (text === '' || raw.destroyed) return undefined;
    if (raw.write(text)) return undefined;
    return Promise.race([once(raw, 'drain'), once(raw, 'close')]);
  }

  private attemptSummary(attempts: AttemptLog[]): Omit<RouterStreamReport, 'failovers' | 'served_by' | 'cost_usd'> {
    const models = [...new Set(attempts.map((a) => a.modelId))];
    return { attempts: attempts.length, fallbacks: Math.max(0, models.length - 1), models };
  }

  private routerHeaders(ctx: RequestContext, plan: RoutePlan, model: ModelSpec, attempts: AttemptLog[], request: ChatRequest, answer: AnswerFormat): Record<string, string> {
    const summary = this.attemptSummary(attempts);
    // The parameters the serving model does not take, left out of its call (`paramRules`), and those its
    // adapter leaves out (fields that are not OpenAI's, to Claude or Gemini), by the client's names.
    const chatNames = [...ignoredParams(request, model.paramRules), ...(this.providers.get(model.providerId).leftOut?.(request) ?? [])];
    const paramName = answer.paramName;
    const ignored = paramName === undefined ? chatNames : chatNames.map((n) => paramName(n));
    return {
      ...(ignored.length > 0 ? { 'x-router-ignored-params': ignored.join(',') } : {}),
      'x-request-id': ctx.requestId,
      'x-router-route': plan.route.name,
      'x-router-model': model.id,
      'x-router-provider': model.providerId,
      'x-router-reason': summary.fallbacks > 0 ? 'fallback' : plan.decision.reason,
      'x-router-attempts': String(summary.attempts),
      'x-router-fallbacks': String(summary.fallbacks),
      'x-router-models': summary.models.join(','),
      ...(plan.excluded ? { 'x-router-excluded': plan.excluded } : {}),
    };
  }

  private servedFrom(response: ChatResponse, model: ModelSpec, plan: RoutePlan): Served {
    const choice = response.choices?.[0];
    const content = choice?.message?.content ?? null;
    const toolCalls = (choice?.message?.tool_calls ?? []).map((c): ScoredToolCall => (c.type === 'custom' ? { type: 'custom', name: c.custom.name, input: c.custom.input } : { name: c.function.name, arguments: c.function.arguments }));
    return {
      model,
      usage: response.usage,
      billed: billedTokens(response.usage, plan.promptTokens, (content?.length ?? 0) + JSON.stringify(toolCalls).length),
      content,
      refusal: choice?.message?.refusal ?? null,
      toolCalls,
      finishReason: choice?.finish_reason ?? null,
      ttftMs: null,
    };
  }

  /** Billed on the usage the provider reports; estimated only when it reports none. */
  private costOf(served: Served): number {
    return costUsd(served.model, served.billed.prompt, served.billed.completion, served.usage?.prompt_tokens_details?.cached_tokens);
  }

  /** What one streamed part cost (reported usage, else the prompt estimate plus the text it wrote); its tokens are added to `billed`. */
  private billPart(model: ModelSpec, part: StreamAccumulator, plan: RoutePlan, billed: BilledTokens): number {
    const tokens = billedTokens(part.usage, plan.promptTokens, part.content.length + JSON.stringify(part.calls()).length - 2);
    billed.prompt += tokens.prompt;
    billed.completion += tokens.completion;
    billed.cached += tokens.cached;
    return costUsd(model, tokens.prompt, tokens.completion, part.usage?.prompt_tokens_details?.cached_tokens);
  }

  /** The record's tokens are the ones billed, so its cost, its tokens and the report's baseline agree when a provider reports no usage. */
  private applyUsage(row: NewRequestRow, served: Served, cost: number): void {
    row.prompt_tokens = served.billed.prompt;
    row.completion_tokens = served.billed.completion;
    row.cached_tokens = served.billed.cached;
    row.cost_usd = cost;
  }

  private finishServed(row: NewRequestRow, attempts: AttemptLog[], served: Served, plan: RoutePlan, request: ChatRequest, cost: number, startedAt: number): void {
    attempts[attempts.length - 1].costUsd = cost;
    // Every attempt's cost counts toward spend: the failed and rejected ones were billed too.
    const total = totalCost(attempts);
    row.status = 'success';
    row.http_status = 200;
    row.model_id = served.model.id;
    row.provider_id = served.model.providerId;
    row.finish_reason = served.finishReason;
    row.ttft_ms = served.ttftMs;
    row.latency_ms = this.clock.now() - startedAt;
    row.attempts = JSON.stringify(attempts);
    row.prompt_template = promptTemplateFor(served.model);
    this.applyUsage(row, served, total);
    this.spend.add(plan.route.name, total);
    const spend = this.budget.settle(row);
    const job: QueuedJob = { name: 'score-response', data: { ...this.scoreJob(row, served, plan, request, cost), ...this.judgeSample(plan, request, served, spend) } };
    this.records.add({ row, job, spend });
    this.events.finished(row);
  }

  private finishWithError(row: NewRequestRow, attempts: AttemptLog[], error: GatewayError, startedAt: number, httpStatus = error.status): void {
    row.status = 'error';
    row.http_status = httpStatus;
    row.error_type = error.code ?? error.type;
    row.error_message = error.message.slice(0, 1000);
    row.latency_ms = this.clock.now() - startedAt;
    row.attempts = JSON.stringify(attempts);
    if (row.route && row.cost_usd) this.spend.add(row.route, row.cost_usd);
    this.records.add({ row, spend: this.budget.settle(row) });
    this.events.finished(row);
  }

  /** A response that was not returned is still a reward signal: scored under a derived id (`<id>-a<n>`). */
  private scoreRejected(row: NewRequestRow, served: Served, plan: RoutePlan, request: ChatRequest, attempt: AttemptLog, n: number, rejection: Rejection): void {
    const job: QueuedJob = { name: 'score-response', data: { ...this.scoreJob(row, served, plan, request, attempt.costUsd), requestId: `${row.id}-a${n}` } };
    this.queue.add(job).catch((err) => this.log('warn', 'could not enqueue the score of a rejected attempt', { requestId: row.id, validator: rejection.validator, error: (err as Error).message }));
  }

  /**
   * Whether the route's judge grades this answer (its `sample_rate`, drawn from the injected random
   * source) and, if so, what the worker needs for it: the conversation and the answer, bounded, and
   * who pays for the judge's call. Nothing for a route without a judge, or a request not drawn.
   */
  private judgeSample(plan: RoutePlan, request: ChatRequest, served: Served, spend: RecordSpend | undefined): Pick<ScoreResponseJob, 'judge'> {
    const judge = plan.route.judge;
    if (!judge || !(this.random() < judge.sampleRate)) return {};
    return {
      judge: {
        modelId: judge.modelId,
        weight: judge.weight,
        maxTokens: judge.maxTokens,
        ...(judge.rubric === undefined ? {} : { rubric: judge.rubric }),
        ...judgeTranscript(request.messages, served),
        ...(spend ? { billing: { tenantId: spend.tenantId, keyId: spend.keyId, ...(plan.tier ? { tier: plan.tier.name } : {}) } } : {}),
      },
    };
  }

  private scoringInput(request: ChatRequest, served: Served): Pick<ScoreResponseJob, 'request' | 'response'> {
    const format = request.response_format;
    return {
      request: {
        responseFormat:
          format?.type === 'json_schema'
            ? { type: 'json_schema', schema: format.json_schema.schema as Record<string, unknown> | undefined, strict: format.json_schema.strict ?? undefined }
            : format?.type === 'json_object'
              ? { type: 'json_object' }
              : undefined,
        tools: request.tools?.map((t): ScoredTool => (t.type === 'custom' ? { type: 'custom', name: t.custom.name } : { name: t.function.name, parameters: t.function.parameters as Record<string, unknown> | undefined })),
      },
      response: { content: served.content, refusal: served.refusal, toolCalls: served.toolCalls, finishReason: served.finishReason },
    };
  }

  private scoreJob(row: NewRequestRow, served: Served, plan: RoutePlan, request: ChatRequest, cost: number): ScoreResponseJob {
    return {
      requestId: row.id,
      route: plan.route.name,
      contextKey: row.context_key ?? '',
      modelId: served.model.id,
      costUsd: cost,
      completionTokens: served.billed.completion,
      discount: plan.route.discount,
      ...(plan.route.feedbackWeight === undefined ? {} : { feedbackWeight: plan.route.feedbackWeight }),
      // The floor the decision was held to: a tier's contexts are its own (the key names the tier).
      ...(plan.floorConfidence === undefined || plan.route.learner === 'hashed_words'
        ? {}
        : { refute: { qualityFloor: (plan.tier ?? plan.route).qualityFloor, floorConfidence: plan.floorConfidence } }),
      ...(plan.features
        ? { words: wordEvidence(plan.features, plan.route.priorQuality?.[served.model.id], plan.wordOffsetLogits?.[plan.route.candidates.indexOf(served.model.id)]) }
        : {}),
      validators: plan.route.validators,
      ...this.scoringInput(request, served),
    };
  }
}

interface BilledTokens {
  prompt: number;
  completion: number;
  cached: number;
}

/**
 * The tokens an answer is billed on: what the provider reported, else estimated (the prompt from the
 * plan's estimate, the answer at four characters a token). A provider that reports no usage was
 * recorded with 0 tokens and learned as writing nothing, so the router took it for cheaper than it is.
 */
export function billedTokens(usage: Usage | undefined, promptEstimate: number, answerChars: number): BilledTokens {
  return {
    prompt: usage?.prompt_tokens ?? promptEstimate,
    completion: usage?.completion_tokens ?? Math.max(0, Math.ceil(answerChars / 4)),
    cached: usage?.prompt_tokens_details?.cached_tokens ?? 0,
  };
}

function totalCost(attempts: AttemptLog[]): number {
  return attempts.reduce((sum, a) => sum + a.costUsd, 0);
}

/**
 * Adds one streamed part's usage to the request's, details included (cached prompt tokens, reasoning
 * tokens...), so that the usage chunk says what the unstreamed answer's `usage` would.
 */
function addUsage(total: Usage, part: Usage | undefined): void {
  if (!part) return;
  total.prompt_tokens += part.prompt_tokens ?? 0;
  total.completion_tokens += part.completion_tokens ?? 0;
  total.total_tokens += part.total_tokens ?? 0;
  if (part.prompt_tokens_details) total.prompt_tokens_details = addCounts(total.prompt_tokens_details, part.prompt_tokens_details);
  if (part.completion_tokens_details) total.completion_tokens_details = addCounts(total.completion_tokens_details, part.completion_tokens_details);
}

function addCounts<T extends object>(total: T | undefined, part: T): T {
  const sum: Record<string, number> = { ...(total as Record<string, number> | undefined) };
  for (const [key, value] of Object.entries(part)) if (typeof value === 'number') sum[key] = (sum[key] ?? 0) + value;
  return sum as T;
}

/** What the worker needs to teach the served model's word model (`learner: hashed_words`). */
function wordEvidence(features: Int32Array, priorQuality: number | undefined, offset: number | undefined): NonNullable<ScoreResponseJob['words']> {
  return { features: Array.from(features), ...(priorQuality === undefined ? {} : { priorQuality }), ...(offset === undefined ? {} : { offset }) };
}
