import { once } from 'node:events';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AppConfig, ModelSpec, RouteSpec } from '../../../../libs/config/src';
import { GatewayError, type ChatChunk, type ChatRequest, type ChatResponse, type Clock, type Random, type Usage } from '../../../../libs/core/src';
import { ProviderError, ProviderRegistry } from '../../../../libs/providers/src';
import { extractPromptContext } from '../../../../libs/router/src';
import type { QueuedJob, ScoreResponseJob } from '../../../../libs/queue/src';
import type { AttemptRecord, NewRequestRow } from '../../../../libs/storage/src';
import { RecordWriter } from '../records/record-writer';
import { estimatePromptTokens } from '../routing/estimate-tokens';
import { LearnedState } from '../routing/learned-state';
import { planRoute, priceUsd, type RoutePlan } from '../routing/plan-route';
import { SpendTracker } from '../routing/spend-tracker';
import type { GatewayRuntime } from '../runtime';
import { APP_CONFIG, CLOCK, LOG, RANDOM } from '../tokens';
import { markRecorded } from '../errors/openai-error.filter';
import { RequestEvents } from '../events/request-events';
import { AttemptRunner } from './attempt-runner';
import type { RequestContext } from './request-context';
import { mapProviderError } from './map-provider-error';
import { parseChatRequest } from './parse-chat-request';
import { StreamAccumulator } from './stream-accumulator';


interface Served {
  model: ModelSpec;
  usage: Usage | undefined;
  content: string | null;
  refusal: string | null;
  toolCalls: Array<{ name: string; arguments: string }>;
  finishReason: string | null;
  ttftMs: number | null;
}

/**
 * One chat completion from request to record: validate, resolve the route, let the bandit choose,
 * call the provider (falling back along the bandit's ranking when a model fails before answering),
 * answer the client, then hand the record and its scoring job to the background writer.
 */
@Injectable()
export class ChatService {
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
  ) {}

  async handle(body: unknown, ctx: RequestContext, reply: FastifyReply): Promise<void> {
    const startedAt = this.clock.now();
    const row = this.newRow(ctx, startedAt);
    const attempts: AttemptRecord[] = [];
    try {
      const request = parseChatRequest(body);
      row.streamed = request.stream === true;
      const route = this.resolveRoute(request.model);
      row.route = route.name;
      const promptContext = extractPromptContext(request, { tier: request.metadata?.tier });
      row.context_key = promptContext.contextKey;
      const plan = planRoute({
        route,
        models: this.config.models,
        request,
        promptTokens: estimatePromptTokens(request),
        arms: this.learned.armsFor(route.name),
        contextKey: promptContext.contextKey,
        contextArms: this.learned.armsFor(route.name, promptContext.contextKey),
        spentTodayUsd: this.spend.spentToday(route.name),
        random: this.random,
      });
      row.decision_reason = plan.decision.reason;
      if (request.stream) await this.stream(request, plan, ctx, reply, row, attempts, startedAt);
      else await this.complete(request, plan, ctx, reply, row, attempts, startedAt);
    } catch (err) {
      if (!(err instanceof GatewayError)) {
        this.log('error', 'chat completion failed unexpectedly', { requestId: ctx.requestId, error: (err as Error)?.message, stack: (err as Error)?.stack });
      }
      const error = err instanceof GatewayError ? err : GatewayError.internal();
      this.finishWithError(row, attempts, error, startedAt);
      throw markRecorded(error);
    }
  }

  /** A request rejected before it reached the handler (malformed JSON, oversized body): still recorded. */
  recordRejected(requestId: string, keyId: string | null, error: GatewayError): void {
    const row = this.newRow({ requestId, keyId, signal: new AbortController().signal }, this.clock.now());
    this.finishWithError(row, [], error, this.clock.now());
  }

  private resolveRoute(name: string): RouteSpec {
    const route = this.config.routes.get(name);
    if (route) return route;
    if (this.config.models.has(name)) {
      return { name, candidates: [name], qualityFloor: 0, discount: 0.99, validators: [], implicit: true };
    }
    throw GatewayError.notFound(`The model or route '${name}' does not exist.`, 'model_not_found', 'model');
  }

  private async complete(request: ChatRequest, plan: RoutePlan, ctx: RequestContext, reply: FastifyReply, row: NewRequestRow, attempts: AttemptRecord[], startedAt: number): Promise<void> {
    const { response, model } = await this.attempts.run(plan, request, ctx, attempts, (call) => this.providers.get(call.model.providerId).complete(call.call));
    const choice = response.choices?.[0];
    const served: Served = {
      model,
      usage: response.usage,
      content: choice?.message?.content ?? null,
      refusal: choice?.message?.refusal ?? null,
      toolCalls: (choice?.message?.tool_calls ?? []).flatMap((c) => (c.type === 'function' ? [{ name: c.function.name, arguments: c.function.arguments }] : [])),
      finishReason: choice?.finish_reason ?? null,
      ttftMs: null,
    };
    const cost = this.costOf(served, plan);
    const body: ChatResponse = { ...response, id: ctx.requestId, model: model.id };
    void reply.headers(this.routerHeaders(ctx, plan, model, attempts.length, cost)).header('x-router-cost-usd', cost.toFixed(8)).send(body);
    this.finishServed(row, attempts, served, plan, request, cost, startedAt);
  }

  private async stream(request: ChatRequest, plan: RoutePlan, ctx: RequestContext, reply: FastifyReply, row: NewRequestRow, attempts: AttemptRecord[], startedAt: number): Promise<void> {
    const { response: opened, model } = await this.attempts.run(plan, request, ctx, attempts, async ({ model: m, call }) => {
      const iterator = this.providers.get(m.providerId).stream(call)[Symbol.asyncIterator]();
      const first = await iterator.next();
      return { iterator, first };
    });
    const ttftMs = this.clock.now() - startedAt;
    const includeUsage = request.stream_options?.include_usage === true;
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...this.routerHeaders(ctx, plan, model, attempts.length, undefined),
    });
    const acc = new StreamAccumulator();
    let failure: GatewayError | undefined;
    try {
      let next = opened.first;
      while (!next.done) {
        const chunk = next.value;
        acc.add(chunk);
        if (!ctx.signal.aborted) await this.writeChunk(raw, this.forClient(chunk, ctx, model, includeUsage));
        next = await opened.iterator.next();
      }
    } catch (err) {
      failure = err instanceof ProviderError ? mapProviderError(err, model.id) : GatewayError.internal('The stream failed.');
    }
    const served: Served = {
      model,
      usage: acc.usage,
      content: acc.content || null,
      refusal: acc.refusal || null,
      toolCalls: acc.calls(),
      finishReason: acc.finishReason,
      ttftMs,
    };
    const cost = this.costOf(served, plan);
    if (!raw.destroyed) {
      if (failure) raw.write(`data: ${JSON.stringify(failure.toBody())}\n\n`);
      else raw.write('data: [DONE]\n\n');
      raw.end();
    }
    if (failure) {
      attempts[attempts.length - 1] = { ...attempts[attempts.length - 1], status: 'error', errorKind: failure.code ?? undefined, costUsd: cost };
      row.model_id = model.id;
      row.provider_id = model.providerId;
      this.applyUsage(row, served, cost);
      row.ttft_ms = ttftMs;
      this.finishWithError(row, attempts, failure, startedAt, 200);
      return;
    }
    this.finishServed(row, attempts, served, plan, request, cost, startedAt);
  }

  private forClient(chunk: ChatChunk, ctx: RequestContext, model: ModelSpec, includeUsage: boolean): ChatChunk | undefined {
    const isUsageOnly = (chunk.choices?.length ?? 0) === 0;
    if (isUsageOnly && !includeUsage) return undefined;
    const out: ChatChunk = { ...chunk, id: ctx.requestId, model: model.id };
    if (!includeUsage) delete out.usage;
    return out;
  }

  private async writeChunk(raw: FastifyReply['raw'], chunk: ChatChunk | undefined): Promise<void> {
    if (!chunk || raw.destroyed) return;
    if (!raw.write(`data: ${JSON.stringify(chunk)}\n\n`)) {
      await Promise.race([once(raw, 'drain'), once(raw, 'close')]);
    }
  }

  private routerHeaders(ctx: RequestContext, plan: RoutePlan, model: ModelSpec, attempts: number, _cost: number | undefined): Record<string, string> {
    return {
      'x-request-id': ctx.requestId,
      'x-router-route': plan.route.name,
      'x-router-model': model.id,
      'x-router-provider': model.providerId,
      'x-router-reason': attempts > 1 ? 'fallback' : plan.decision.reason,
      'x-router-attempts': String(attempts),
    };
  }

  /** Billed on the usage the provider reports; estimated only when it reports none. */
  private costOf(served: Served, plan: RoutePlan): number {
    const prompt = served.usage?.prompt_tokens ?? plan.promptTokens;
    const completion = served.usage?.completion_tokens ?? Math.ceil(((served.content?.length ?? 0) + JSON.stringify(served.toolCalls).length) / 4);
    return priceUsd(served.model, prompt, completion);
  }

  private applyUsage(row: NewRequestRow, served: Served, cost: number): void {
    row.prompt_tokens = served.usage?.prompt_tokens ?? 0;
    row.completion_tokens = served.usage?.completion_tokens ?? 0;
    row.cached_tokens = served.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    row.cost_usd = cost;
  }

  private finishServed(row: NewRequestRow, attempts: AttemptRecord[], served: Served, plan: RoutePlan, request: ChatRequest, cost: number, startedAt: number): void {
    attempts[attempts.length - 1].costUsd = cost;
    row.status = 'success';
    row.http_status = 200;
    row.model_id = served.model.id;
    row.provider_id = served.model.providerId;
    row.finish_reason = served.finishReason;
    row.ttft_ms = served.ttftMs;
    row.latency_ms = this.clock.now() - startedAt;
    row.attempts = JSON.stringify(attempts);
    this.applyUsage(row, served, cost);
    this.spend.add(plan.route.name, cost);
    const job: QueuedJob = { name: 'score-response', data: this.scoreJob(row, served, plan, request, cost) };
    this.records.add({ row, job });
    this.events.finished(row);
  }

  private finishWithError(row: NewRequestRow, attempts: AttemptRecord[], error: GatewayError, startedAt: number, httpStatus = error.status): void {
    row.status = 'error';
    row.http_status = httpStatus;
    row.error_type = error.code ?? error.type;
    row.error_message = error.message.slice(0, 1000);
    row.latency_ms = this.clock.now() - startedAt;
    row.attempts = JSON.stringify(attempts);
    if (row.route && row.cost_usd) this.spend.add(row.route, row.cost_usd);
    this.records.add({ row });
    this.events.finished(row);
  }

  private scoreJob(row: NewRequestRow, served: Served, plan: RoutePlan, request: ChatRequest, cost: number): ScoreResponseJob {
    const format = request.response_format;
    return {
      requestId: row.id,
      route: plan.route.name,
      contextKey: row.context_key ?? '',
      modelId: served.model.id,
      costUsd: cost,
      completionTokens: served.usage?.completion_tokens ?? 0,
      discount: plan.route.discount,
      validators: plan.route.validators,
      request: {
        responseFormat:
          format?.type === 'json_schema'
            ? { type: 'json_schema', schema: format.json_schema.schema as Record<string, unknown> | undefined, strict: format.json_schema.strict ?? undefined }
            : format?.type === 'json_object'
              ? { type: 'json_object' }
              : undefined,
        tools: request.tools?.flatMap((t) => (t.type === 'function' ? [{ name: t.function.name, parameters: t.function.parameters as Record<string, unknown> | undefined }] : [])),
      },
      response: { content: served.content, refusal: served.refusal, toolCalls: served.toolCalls, finishReason: served.finishReason },
    };
  }

  private newRow(ctx: RequestContext, startedAt: number): NewRequestRow {
    return {
      id: ctx.requestId,
      created_at: new Date(startedAt),
      route: null,
      model_id: null,
      provider_id: null,
      key_id: ctx.keyId,
      status: 'error',
      http_status: 500,
      error_type: null,
      error_message: null,
      streamed: false,
      prompt_tokens: 0,
      completion_tokens: 0,
      cached_tokens: 0,
      cost_usd: 0,
      latency_ms: 0,
      ttft_ms: null,
      finish_reason: null,
      decision_reason: null,
      attempts: '[]',
    };
  }
}
