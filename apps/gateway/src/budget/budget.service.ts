import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  applicableBudgets,
  budgetCounterKey,
  ceilNano,
  configuredBudgets,
  fromRow,
  DEFAULT_RESERVED_COMPLETION_TOKENS,
  formatReset,
  LeaseBook,
  leaseTopUp,
  NANO_PER_USD,
  nanoToUsd,
  periodWindow,
  pressureFor,
  rateWindow,
  roundNano,
  worstCaseOverModels,
  type PricedModel,
  type CounterLine,
  type CounterStore,
  type Lease,
  type LeaseAdjustment,
  type PeriodWindow,
  type TryAddResult,
  type BudgetDefinition,
  type BudgetScope,
} from '../../../../libs/budget/src';
import { servesName, type AppConfig, type EmbeddingModelSpec } from '../../../../libs/config/src';
import { coalescedRounds, GatewayError, type ChatRequest, type Clock } from '../../../../libs/core/src';
import type { DatabaseHandle, NewRequestRow } from '../../../../libs/storage/src';
import { BudgetRepository } from '../../../../libs/storage/src/repositories/budget.repository';
import { SpendLedgerRepository, type RecordSpend, type SpendRow } from '../../../../libs/storage/src/repositories/spend-ledger.repository';
import { AccessService } from '../auth/access.service';
import { openAccess, type KeyAccess } from '../auth/key-access';
import type { RequestContext } from '../chat/request-context';
import type { RoutePlan } from '../routing/plan-route';
import type { GatewayRuntime } from '../runtime';
import { APP_CONFIG, CLOCK, DATABASE, LOG } from '../tokens';
import { changeLimits, type LimitsChange } from './budget-limits';

export const COUNTER_STORE = Symbol('COUNTER_STORE');

interface Reservation {
  access: KeyAccess;
  route: string;
  reservedNano: number;
  /** The leases the reservation was charged to (one per applicable budget); settling moves their charge. */
  leases: Lease[];
  budgetIds: string[];
  createdAt: number;
}

/** Lease terms of a rate-limit counter (its last known sum is kept per counter key, not per budget). */
const RATE_TERMS = 'rate-limit';

interface RateLine extends CounterLine {
  kind: 'requests' | 'tokens';
}

/** How often leased budget that requests did not use goes back to the shared counters. */
export const LEASE_SYNC_MS = 100;
/**
 * How long a lease nobody uses keeps its room (what it would lease afresh: nothing near a cap) before it
 * goes back: sporadic traffic charges locally instead of waiting for the shared store on every request.
 */
export const LEASE_IDLE_KEEP_MS = 30_000;

export interface BudgetStatus {
  id: string;
  scope: BudgetScope;
  subject: string;
  period: string;
  window_seconds: number | null;
  source: 'admin' | 'config';
  hard_limit_usd: number | null;
  soft_limit_usd: number | null;
  /** Settled spend plus reservations of requests in flight, in the current period. */
  spent_usd: number;
  remaining_usd: number | null;
  soft_limit_exceeded: boolean;
  hard_limit_reached: boolean;
  period_start: string;
  resets_at: string;
}

export interface NewBudgetInput {
  scope: BudgetScope;
  subject: string;
  period: 'day' | 'week' | 'month' | 'rolling';
  windowSeconds?: number;
  hardLimitUsd?: number;
  softLimitUsd?: number;
}

/**
 * Budgets and rate limits on the request path. Before the upstream call a request reserves its
 * worst-case cost in every budget that applies to it (its key's, its tenant's, its route's), all or
 * nothing in one atomic step of the counter store (a Lua script on Redis, a synchronous Map update
 * in process), so concurrent requests cannot together pass a hard cap; when the request finishes
 * the real cost replaces the reservation and goes to the append-only Postgres ledger.
 */
@Injectable()
export class BudgetService implements OnModuleInit, OnModuleDestroy {
  private budgets: BudgetDefinition[] = [];
  private readonly seeded = new Set<string>();
  /** Last known spend (nano-USD, reservations included) per budget, for synchronous pacing. */
  private readonly spentNano = new Map<string, number>();
  private readonly reservations = new Map<string, Reservation>();
  private readonly leases = new LeaseBook();
  /** Lease requests in flight, per set of budget counters: concurrent misses wait for one instead of each leasing. */
  private readonly leasing = new Map<string, Promise<unknown>>();
  /** Reservations that went to the shared counters (the rest were charged to a local lease). */
  sharedReservations = 0;
  /** Rate-limit counts that went to the shared counters (the rest were counted against a local lease). */
  sharedRateCounts = 0;
  /** Each rate-limit counter's sum as last seen in the shared store (this process's leases included), this minute only. */
  private readonly rateSums = new Map<string, number>();
  private rateSumsBucket = '';
  private syncing?: Promise<void>;
  private syncTimer?: NodeJS.Timeout;
  private readonly repository: BudgetRepository;
  private readonly ledgerRepository: SpendLedgerRepository;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DATABASE) database: DatabaseHandle,
    @Inject(LOG) private readonly log: GatewayRuntime['log'],
    @Inject(COUNTER_STORE) private readonly store: CounterStore,
    private readonly access: AccessService,
  ) {
    this.repository = new BudgetRepository(database.db);
    this.ledgerRepository = new SpendLedgerRepository(database.db);
  }

  async onModuleInit(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch((err: Error) => this.log('warn', 'budget refresh failed', { error: err.message })), this.config.statsRefreshMs);
    this.timer.unref();
    this.syncTimer = setInterval(() => void this.syncLeases(undefined, true), LEASE_SYNC_MS);
    this.syncTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.syncTimer);
    await this.syncLeases();
    // The store is the runtime's (its in-process judge counts in it until the queue is closed): it closes it.
  }

  get storeKind(): CounterStore['kind'] {
    return this.store.kind;
  }

  /**
   * Reloads budget definitions, seeds counters of budgets new to this process from the ledger, and
   * re-reads spend. One reload runs at a time and calls made while it runs share one more round, so a
   * reload that read the table before a budget was created can never replace the list after the one
   * that read it since (the timer's and an admin call's used to race: the new budget went missing
   * until the next refresh, and the create answered without it).
   */
  readonly refresh = coalescedRounds(() => this.reload());

  private async reload(): Promise<void> {
    const rows = await this.repository.listActive();
    // Chat routes' (and their tiers') budget_usd_per_day, and embedding routes'.
    const budgets = [...configuredBudgets(this.config), ...rows.map(fromRow)];
    const now = this.clock.now();
    for (const b of budgets) {
      if (this.seeded.has(b.id)) continue;
      const window = periodWindow(b.period, now);
      const spent = await this.durableSpend(b, window, now);
      if (spent > 0) await this.store.seed(budgetCounterKey(b.id, window.buckets[window.buckets.length - 1]), roundNano(spent), window.ttlMs);
      this.seeded.add(b.id);
    }
    // Room leased under a budget's old limits would let requests past a lowered cap: give it back.
    const changed = budgets.filter((b) => {
      const before = this.budgets.find((old) => old.id === b.id);
      return before !== undefined && (before.hardLimitUsd !== b.hardLimitUsd || before.softLimitUsd !== b.softLimitUsd);
    });
    this.budgets = budgets;
    if (changed.length > 0) await this.syncLeases(new Set(changed.flatMap((b) => periodWindow(b.period, now).buckets.map((bucket) => budgetCounterKey(b.id, bucket)))));
    const sums = await this.store.sums(budgets.map((b) => periodWindow(b.period, now).buckets.map((bucket) => budgetCounterKey(b.id, bucket))));
    budgets.forEach((b, i) => this.spentNano.set(b.id, sums[i]));
  }

  private async durableSpend(b: BudgetDefinition, window: PeriodWindow, now: number): Promise<number> {
    if (b.period.kind === 'rolling') return this.ledgerRepository.spentSince(b.scope, b.subject, new Date(window.startMs));
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    return this.ledgerRepository.spentOverDays(b.scope, b.subject, day(window.startMs), day(now));
  }

  private applicable(access: KeyAccess, route: string, tier?: string): BudgetDefinition[] {
    return applicableBudgets(this.budgets, { keyId: access.keyId, tenantId: access.tenantId, route, tier });
  }

  /** 0..1: how near the tightest hard budget of this request is to its cap or ahead of its pace. Synchronous. */
  pressure(ctx: RequestContext, route: string): number {
    const access = ctx.access ?? openAccess(ctx.keyId);
    const now = this.clock.now();
    let pressure = 0;
    for (const b of this.applicable(access, route)) {
      if (b.hardLimitUsd === null) continue;
      const spent = nanoToUsd(this.spentNano.get(b.id) ?? 0);
      pressure = Math.max(pressure, pressureFor(spent, b.hardLimitUsd, periodWindow(b.period, now).elapsedFraction));
    }
    return pressure;
  }

  /**
   * Checks the key's route and model permissions (403), its rate limits (429 rate_limit_exceeded),
   * then reserves the worst-case cost in every applicable budget (429 budget_exceeded when a hard cap
   * would be passed). Narrows `plan.models` to the key's allowed models.
   */
  async reserve(ctx: RequestContext, plan: RoutePlan, request: ChatRequest): Promise<void> {
    const access = ctx.access ?? openAccess(ctx.keyId);
    const route = plan.route.name;
    plan.models = permittedModels(access, route, plan.models);
    const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
    const now = this.clock.now();
    await this.checkRateLimits(ctx, access, plan.promptTokens + (maxTokens ?? DEFAULT_RESERVED_COMPLETION_TOKENS), now);
    // The reservation covers every model the request may end up on: the plan's ranking and the
    // route's configured fallbacks. Near a cap, the dearest models leave the plan (when the route has
    // no fixed fallback list) before the request is refused: the cheaper ones may still fit.
    const fixed = (plan.route.failover?.fallbacks ?? []).flatMap((id) => this.config.models.get(id) ?? []);
    plan.models = await this.reserveWorstCase(ctx, access, route, plan.tier?.name, plan.models, fixed, plan.promptTokens, maxTokens, now);
  }

  /**
   * `reserve` for a POST /v1/embeddings call: the same key permissions (its route, or the model it
   * names, and its models), rate limits (its input tokens) and budgets (key, tenant, route), its worst
   * case being its input tokens at the dearest of the models it may be served by (no output tokens).
   */
  async reserveEmbeddings(ctx: RequestContext, route: string, models: EmbeddingModelSpec[], promptTokens: number): Promise<EmbeddingModelSpec[]> {
    const access = ctx.access ?? openAccess(ctx.keyId);
    const allowed = permittedModels(access, route, models);
    const now = this.clock.now();
    await this.checkRateLimits(ctx, access, promptTokens, now);
    const priced = allowed.map((m) => ({ spec: m, inputPer1M: m.inputPer1M, outputPer1M: 0, contextWindow: m.maxInputTokens }));
    // Every model left is the same model at another provider: none is dropped to fit a budget.
    await this.reserveWorstCase(ctx, access, route, undefined, priced, priced, promptTokens, 0, now);
    return allowed;
  }

  /**
   * Reserves the worst-case cost over `models` and `fixed` in every budget that applies, all or none.
   * Near a cap, when `fixed` is empty, the dearest of `models` leave before the request is refused
   * (429 budget_exceeded); returns the models kept.
   */
  private async reserveWorstCase<M extends PricedModel>(
    ctx: RequestContext,
    access: KeyAccess,
    route: string,
    tier: string | undefined,
    planned: M[],
    fixed: PricedModel[],
    promptTokens: number,
    maxTokens: number | undefined,
    now: number,
  ): Promise<M[]> {
    const budgets = this.applicable(access, route, tier);
    const windows = budgets.map((b) => periodWindow(b.period, now));
    const keysOf = budgets.map((b, i) => windows[i].buckets.map((bucket) => budgetCounterKey(b.id, bucket)));
    const reserveKeys = keysOf.map((keys) => keys[keys.length - 1]);
    const leaseId = reserveKeys.join('\u0000');
    let models = planned;
    let worstNano = 0;
    let leases: Lease[] = [];
    for (;;) {
      worstNano = ceilNano(worstCaseOverModels([...models, ...fixed], promptTokens, maxTokens));
      if (budgets.length === 0) break;
      // Most requests fit in budget this process has leased already: no round trip.
      let local = this.leases.tryCharge(reserveKeys, worstNano);
      // Another request of this process is leasing for the same budgets: wait for it rather than lease too.
      for (let leasing = this.leasing.get(leaseId); !local && leasing; leasing = this.leasing.get(leaseId)) {
        await leasing;
        local = this.leases.tryCharge(reserveKeys, worstNano);
      }
      if (local) {
        leases = local;
        break;
      }
      const shared = await this.reserveShared(budgets, keysOf, reserveKeys, windows, worstNano);
      if (shared.leases) {
        leases = shared.leases;
        break;
      }
      if (models.length > 1 && fixed.length === 0) {
        const cost = (m: (typeof models)[number]) => worstCaseOverModels([m], promptTokens, maxTokens);
        const dearest = models.reduce((a, m) => (cost(m) > cost(a) ? m : a));
        models = models.filter((m) => m !== dearest);
        continue;
      }
      const b = budgets[shared.refused];
      const retryAfter = Math.max(1, Math.ceil((windows[shared.refused].resetMs - now) / 1000));
      throw GatewayError.budgetExceeded(
        `The ${describeScope(b)} ${describePeriod(b)} budget of $${b.hardLimitUsd} is spent or reserved by requests in flight; this request could cost up to $${nanoToUsd(worstNano).toFixed(6)}.`,
        retryAfter,
      );
    }
    this.reservations.set(ctx.requestId, { access, route, reservedNano: worstNano, leases, budgetIds: budgets.map((b) => b.id), createdAt: now });
    return models;
  }

  /**
   * Reserves in the shared counters, all budgets or none, and leases more of each budget that has
   * room to spare so that the next requests reserve locally. Near a cap it leases nothing, and before
   * refusing it gives back what this process holds unused, so a request is refused only when the
   * budget is spent, reserved by requests in flight, or leased by another process.
   */
  private async reserveShared(budgets: BudgetDefinition[], keysOf: string[][], reserveKeys: string[], windows: PeriodWindow[], worstNano: number): Promise<{ leases?: Lease[]; refused: number }> {
    const limits = budgets.map((b) => (b.hardLimitUsd === null ? null : Math.floor(b.hardLimitUsd * NANO_PER_USD)));
    const topUps = budgets.map((b, i) => leaseTopUp(limits[i], this.spentNano.get(b.id) ?? 0, worstNano));
    const attempt = async (withTopUp: boolean) => {
      const lines: CounterLine[] = budgets.map((_, i) => ({ keys: keysOf[i], limit: limits[i], amount: worstNano + (withTopUp ? topUps[i] : 0), ttlMs: windows[i].ttlMs }));
      this.sharedReservations++;
      const result = await this.store.tryAdd(lines);
      budgets.forEach((b, i) => this.spentNano.set(b.id, result.sums[i]));
      return result;
    };
    const { result, leased } = await this.addShared(attempt, topUps.some((t) => t > 0), reserveKeys.join('\u0000'), reserveKeys);
    if (!result.ok) return { refused: result.refused };
    return {
      leases: budgets.map((b, i) => this.leases.grant(reserveKeys[i], windows[i].ttlMs, worstNano, leased ? topUps[i] : 0, { limitNano: limits[i], budgetId: b.id, worstNano })),
      refused: -1,
    };
  }

  /**
   * One count in the shared counters, for budgets and rate limits alike: with a lease on top when there
   * is room to spare (concurrent misses of this process wait for it instead of each leasing), exactly
   * when that is refused, and once more after giving back this process's unused room on `keys` when
   * still refused. `leased`: the accepted count included the lease.
   */
  private async addShared(attempt: (withTopUp: boolean) => Promise<TryAddResult>, withTopUp: boolean, leaseId: string, keys: readonly string[]): Promise<{ result: TryAddResult; leased: boolean }> {
    const first = attempt(withTopUp);
    if (withTopUp && !this.leasing.has(leaseId)) this.leasing.set(leaseId, first.catch(() => undefined).finally(() => this.leasing.delete(leaseId)));
    let result = await first;
    let leased = withTopUp;
    if (!result.ok && leased) {
      leased = false;
      result = await attempt(false);
    }
    // Unused lease of this process, or lease it is giving back right now, may be what is missing.
    if (!result.ok && (this.leases.unused(keys) > 0 || this.syncing)) {
      await this.syncLeases(new Set(keys));
      result = await attempt(false);
    }
    return { result, leased };
  }

  /**
   * Gives unused leased budget back to the shared counters and writes what settled costs changed, in
   * one batch; after it the shared counters hold exactly the settled costs plus reservations in flight.
   * The periodic sync (`retain`) lets a lease in use, or unused for less than LEASE_IDLE_KEEP_MS, keep
   * what it would lease afresh now (nothing near a cap), so steady or sporadic traffic keeps charging
   * locally instead of one request in every sync period (or every request) waiting for Redis; the
   * counters then hold at most one such lease per process on top, as they did between a sync and the
   * next lease before. Reports, shutdown and a refusal give back everything.
   */
  private syncLeases(only?: ReadonlySet<string>, retain = false): Promise<void> {
    if (this.syncing) return this.syncing.then(() => this.syncLeases(only, retain));
    const adjustments = this.leases.drain(only, retain ? (lease) => this.freshLease(lease) : undefined, Math.floor(LEASE_IDLE_KEEP_MS / LEASE_SYNC_MS));
    if (adjustments.length === 0) return Promise.resolve();
    // A rate window's shared sum, as this process knows it, loses what it gives back.
    for (const a of adjustments) {
      const sum = this.rateSums.get(a.key);
      if (sum !== undefined) this.rateSums.set(a.key, sum + a.amount);
    }
    this.syncing = this.pushAdjustments(adjustments).finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  /** What a request like the last one to lease this counter would lease on top of its own cost now. */
  private freshLease(lease: Readonly<Lease>): number {
    const terms = lease.terms;
    if (!terms) return 0;
    const sum = terms.budgetId === RATE_TERMS ? this.rateSums.get(lease.key) : this.spentNano.get(terms.budgetId);
    // A rate window whose sum this process no longer knows (the minute is over) keeps nothing.
    if (sum === undefined && terms.budgetId === RATE_TERMS) return 0;
    return leaseTopUp(terms.limitNano, sum ?? 0, terms.worstNano);
  }

  private async pushAdjustments(adjustments: LeaseAdjustment[]): Promise<void> {
    try {
      await this.store.add(adjustments);
    } catch (err) {
      this.leases.restore(adjustments);
      this.log('warn', 'budget lease sync failed; will retry', { error: (err as Error).message });
    }
  }

  /**
   * Counts the request and its tokens (prompt estimate + max tokens, up front) in the key's and the
   * tenant's one-minute windows, all lines or none, and sets OpenAI's `x-ratelimit-*` headers from the
   * line with the least room. Like budgets, a limit with plenty of room left is leased: one round trip
   * to the shared counters takes a sixteenth of what is left (when that covers 8 requests like this one
   * or more) and the next requests count against it in memory; near a limit every request goes to the
   * shared counters, and before refusing, this process gives back what it holds unused and asks again.
   */
  private async checkRateLimits(ctx: RequestContext, access: KeyAccess, tokens: number, now: number): Promise<void> {
    const { keyRpm, keyTpm, tenantRpm, tenantTpm } = access.limits;
    if (keyRpm === null && keyTpm === null && tenantRpm === null && tenantTpm === null) return;
    const window = rateWindow(now);
    const lines: RateLine[] = [];
    const who = access.keyId ?? 'open';
    if (keyRpm !== null) lines.push({ kind: 'requests', keys: [`rl:k:${who}:r:${window.bucket}`], limit: keyRpm, amount: 1, ttlMs: window.ttlMs });
    if (keyTpm !== null) lines.push({ kind: 'tokens', keys: [`rl:k:${who}:t:${window.bucket}`], limit: keyTpm, amount: tokens, ttlMs: window.ttlMs });
    if (tenantRpm !== null) lines.push({ kind: 'requests', keys: [`rl:t:${access.tenantId}:r:${window.bucket}`], limit: tenantRpm, amount: 1, ttlMs: window.ttlMs });
    if (tenantTpm !== null) lines.push({ kind: 'tokens', keys: [`rl:t:${access.tenantId}:t:${window.bucket}`], limit: tenantTpm, amount: tokens, ttlMs: window.ttlMs });
    if (this.rateSumsBucket !== window.bucket) {
      this.rateSums.clear();
      this.rateSumsBucket = window.bucket;
    }
    // Room leased under another limit (the key's or tenant's was changed since) goes back first, so a
    // lowered limit binds from this process's first request that sees it, as a budget's does.
    const stale = lines.filter((l) => {
      const leasedUnder = this.leases.leasedUnderLimit(l.keys[0]);
      return leasedUnder !== undefined && leasedUnder !== l.limit;
    });
    if (stale.length > 0) await this.syncLeases(new Set(stale.map((l) => l.keys[0])));
    const items = lines.map((l) => ({ key: l.keys[0], amount: l.amount }));
    const leaseId = items.map((i) => i.key).join('\u0000');
    let local = this.leases.tryChargeFinal(items);
    // Another request of this process is leasing these counters: wait for it rather than lease too.
    for (let leasing = this.leasing.get(leaseId); !local && leasing; leasing = this.leasing.get(leaseId)) {
      await leasing;
      local = this.leases.tryChargeFinal(items);
    }
    let used: number[];
    let refused = -1;
    // Counted locally: the shared sum as last seen, less the room this process still holds unused.
    if (local) used = lines.map((l) => (this.rateSums.get(l.keys[0]) ?? 0) - this.leases.unused([l.keys[0]]));
    else ({ used, refused } = await this.countRateShared(lines, leaseId));
    this.setRateHeaders(ctx, lines, used, window.resetMs - now);
    if (refused >= 0) {
      const l = lines[refused];
      const scope = l.keys[0].startsWith('rl:k:') ? 'API key' : 'tenant';
      throw new GatewayError(
        429,
        `Rate limit reached for ${l.kind} per minute on this ${scope}: limit ${l.limit}, used ${used[refused]}${l.kind === 'tokens' ? `, requested ${l.amount}` : ''}.`,
        'rate_limit_error',
        'rate_limit_exceeded',
        null,
        Math.max(1, Math.ceil((window.resetMs - now) / 1000)),
      );
    }
  }

  /**
   * Counts the lines in the shared counters (leasing more where there is room to spare). Returns what
   * each line has used by the shared count, this request included when it passed (leased room not), and
   * the refused line or -1.
   */
  private async countRateShared(lines: RateLine[], leaseId: string): Promise<{ used: number[]; refused: number }> {
    const keys = lines.map((l) => l.keys[0]);
    const topUps = lines.map((l) => (l.limit === null ? 0 : leaseTopUp(l.limit, this.rateSums.get(l.keys[0]) ?? 0, l.amount)));
    const attempt = async (withTopUp: boolean) => {
      this.sharedRateCounts++;
      const result = await this.store.tryAdd(withTopUp ? lines.map((l, i) => ({ ...l, amount: l.amount + topUps[i] })) : lines);
      keys.forEach((k, i) => this.rateSums.set(k, result.sums[i]));
      return result;
    };
    const { result, leased } = await this.addShared(attempt, topUps.some((t) => t > 0), leaseId, keys);
    if (!result.ok) return { used: result.sums, refused: result.refused };
    if (leased) {
      lines.forEach((l, i) => {
        const lease = this.leases.grant(keys[i], l.ttlMs, l.amount, topUps[i], { limitNano: l.limit, budgetId: RATE_TERMS, worstNano: l.amount });
        this.leases.settle([lease], l.amount, l.amount); // counted for good: nothing in flight to settle later
      });
    }
    return { used: result.sums.map((sum, i) => sum - (leased ? topUps[i] : 0)), refused: -1 };
  }

  private setRateHeaders(ctx: RequestContext, lines: RateLine[], used: number[], resetInMs: number): void {
    const reset = formatReset(resetInMs);
    // One header set per kind: the line with the least room left (the one that binds).
    for (const kind of ['requests', 'tokens'] as const) {
      let best: { limit: number; remaining: number } | undefined;
      lines.forEach((l, i) => {
        if (l.kind !== kind || l.limit === null) return;
        const remaining = Math.max(0, l.limit - used[i]);
        if (!best || remaining < best.remaining) best = { limit: l.limit, remaining };
      });
      if (!best) continue;
      ctx.setHeader?.(`x-ratelimit-limit-${kind}`, String(best.limit));
      ctx.setHeader?.(`x-ratelimit-remaining-${kind}`, String(best.remaining));
      ctx.setHeader?.(`x-ratelimit-reset-${kind}`, reset);
    }
  }

  /**
   * The request finished: its real cost replaces its reservation. Returns its spend entry for the
   * ledger, which the caller hands to the record writer with the request's record (one write, one
   * journal); none for a request that reserved nothing (refused before reaching a provider).
   */
  settle(row: NewRequestRow): RecordSpend | undefined {
    const reservation = this.reservations.get(row.id);
    if (!reservation) return undefined;
    this.reservations.delete(row.id);
    const actualNano = roundNano(row.cost_usd ?? 0);
    const spend: RecordSpend = { tenantId: reservation.access.tenantId, keyId: reservation.access.keyId, route: reservation.route, modelId: row.model_id ?? null, costUsd: row.cost_usd ?? 0 };
    if (reservation.leases.length === 0) return spend;
    // The shared counters learn the difference at the next lease sync (at most LEASE_SYNC_MS later).
    this.leases.settle(reservation.leases, reservation.reservedNano, actualNano);
    const delta = actualNano - reservation.reservedNano;
    for (const id of reservation.budgetIds) this.spentNano.set(id, (this.spentNano.get(id) ?? 0) + delta);
    return spend;
  }

  /** Writes settled costs and unused leases to the shared counters (tests, shutdown); the ledger goes with the records. */
  async flush(): Promise<void> {
    await this.syncLeases();
  }

  async createBudget(input: NewBudgetInput): Promise<BudgetStatus> {
    await this.checkSubject(input.scope, input.subject);
    const windowSeconds = input.period === 'rolling' ? (input.windowSeconds ?? null) : null;
    // A route's budget_usd_per_day is a daily route budget already: a second one would only confuse.
    const configured = this.budgets.find((b) => b.source === 'config' && b.scope === input.scope && b.subject === input.subject && b.period.kind === input.period);
    if (configured) throw budgetExists(configured.id, input, 'it comes from router.yaml (budget_usd_per_day): change it there');
    const result = await this.repository.insertUnique({
      id: `budget_${randomBytes(8).toString('hex')}`,
      scope: input.scope,
      subject: input.subject,
      period: input.period,
      window_seconds: windowSeconds,
      hard_limit_usd: input.hardLimitUsd ?? null,
      soft_limit_usd: input.softLimitUsd ?? null,
      created_at: new Date(this.clock.now()),
    });
    if ('existing' in result) throw budgetExists(result.existing.id, input, `change its limits with POST /v1/admin/budgets/${result.existing.id}`);
    await this.refresh();
    return (await this.statuses()).find((s) => s.id === result.created.id)!;
  }

  /**
   * Changes a stored budget's hard and/or soft limit in place (one transaction), so there is no
   * moment without a cap as with delete-then-create. Every gateway process picks the new limits up at
   * its next refresh (this one at once) and gives back the room it leased under the old ones.
   */
  async updateBudgetLimits(id: string, change: LimitsChange): Promise<BudgetStatus> {
    if (this.budgets.some((b) => b.id === id && b.source === 'config')) {
      throw new GatewayError(409, `Budget '${id}' comes from router.yaml (budget_usd_per_day); change it there.`, 'invalid_request_error', 'budget_from_config', 'id');
    }
    const row = await this.repository.updateLimits(id, (current) => {
      const next = changeLimits({ hardLimitUsd: current.hard_limit_usd, softLimitUsd: current.soft_limit_usd }, change);
      if ('problem' in next) throw GatewayError.invalidRequest(`Invalid request body: ${next.field}: ${next.problem}`, next.field, 'invalid_value');
      return { hard_limit_usd: next.hardLimitUsd, soft_limit_usd: next.softLimitUsd };
    });
    if (!row) throw GatewayError.notFound(`Budget '${id}' does not exist.`, 'budget_not_found', 'id');
    await this.refresh();
    return (await this.statuses()).find((s) => s.id === id)!;
  }

  /**
   * A budget applies only to requests of its subject: one on a key, tenant or route that does not
   * exist (a typo) would be accepted and never cap anything, so it is refused naming `subject`.
   */
  private async checkSubject(scope: BudgetScope, subject: string): Promise<void> {
    if (scope === 'key' && !(await this.access.keyExists(subject))) {
      throw GatewayError.notFound(`Key '${subject}' does not exist; a budget on it would never apply.`, 'key_not_found', 'subject');
    }
    if (scope === 'tenant' && !(await this.access.tenantExists(subject))) {
      throw GatewayError.notFound(`Tenant '${subject}' does not exist; a budget on it would never apply.`, 'tenant_not_found', 'subject');
    }
    if (scope === 'route' && !servesName(this.config, subject)) {
      throw GatewayError.notFound(`This gateway serves no route or model '${subject}'; a budget on it would never apply.`, 'route_not_found', 'subject');
    }
  }

  async removeBudget(id: string): Promise<void> {
    if (this.budgets.some((b) => b.id === id && b.source === 'config')) {
      throw new GatewayError(409, `Budget '${id}' comes from router.yaml (budget_usd_per_day); change or remove it there.`, 'invalid_request_error', 'budget_from_config', 'id');
    }
    if (!(await this.repository.remove(id, new Date(this.clock.now())))) {
      throw GatewayError.notFound(`Budget '${id}' does not exist.`, 'budget_not_found', 'id');
    }
    await this.refresh();
  }

  /** Every budget with its spend (reservations in flight included) and what is left in the current period. */
  async statuses(filter: { scope?: BudgetScope; subject?: string } = {}): Promise<BudgetStatus[]> {
    await this.syncLeases();
    const now = this.clock.now();
    const budgets = this.budgets.filter((b) => (!filter.scope || b.scope === filter.scope) && (!filter.subject || b.subject === filter.subject));
    const windows = budgets.map((b) => periodWindow(b.period, now));
    const sums = await this.store.sums(budgets.map((b, i) => windows[i].buckets.map((bucket) => budgetCounterKey(b.id, bucket))));
    return budgets.map((b, i) => {
      const spent = nanoToUsd(sums[i]);
      return {
        id: b.id,
        scope: b.scope,
        subject: b.subject,
        period: b.period.kind,
        window_seconds: b.period.kind === 'rolling' ? b.period.windowSeconds : null,
        source: b.source,
        hard_limit_usd: b.hardLimitUsd,
        soft_limit_usd: b.softLimitUsd,
        spent_usd: spent,
        remaining_usd: b.hardLimitUsd === null ? null : Math.max(0, b.hardLimitUsd - spent),
        soft_limit_exceeded: b.softLimitUsd !== null && spent >= b.softLimitUsd,
        hard_limit_reached: b.hardLimitUsd !== null && spent >= b.hardLimitUsd,
        period_start: new Date(windows[i].startMs).toISOString(),
        resets_at: new Date(windows[i].resetMs).toISOString(),
      };
    });
  }

  /** Ledger rollups (per day, tenant, key, route and model) between two UTC days. */
  spend(filter: { tenantId?: string; keyId?: string; route?: string; fromDay: string; toDay: string }): Promise<SpendRow[]> {
    return this.ledgerRepository.rollup(filter);
  }

  today(): string {
    return new Date(this.clock.now()).toISOString().slice(0, 10);
  }
}

/** 409 for a second budget with the same scope, subject and period (and rolling window). */
function budgetExists(existingId: string, input: NewBudgetInput, howToChange: string): GatewayError {
  const period = input.period === 'rolling' ? `rolling ${input.windowSeconds}s` : input.period;
  return new GatewayError(
    409,
    `A ${period} budget on ${input.scope} '${input.subject}' already exists: '${existingId}'; ${howToChange}.`,
    'invalid_request_error',
    'budget_exists',
    'subject',
  );
}

function describeScope(b: BudgetDefinition): string {
  if (b.scope === 'route' && b.subject.includes('#tier=')) {
    const [route, tier] = b.subject.split('#tier=');
    return `tier '${tier}' of route '${route}'`;
  }
  return b.scope === 'key' ? 'API key' : b.scope === 'tenant' ? `tenant '${b.subject}'` : `route '${b.subject}'`;
}

function describePeriod(b: BudgetDefinition): string {
  return b.period.kind === 'rolling' ? `rolling ${b.period.windowSeconds}s` : { day: 'daily', week: 'weekly', month: 'monthly' }[b.period.kind];
}

/** The key's route and model permissions (403 route_not_allowed / model_not_allowed): the models of `route` it may use. */
function permittedModels<M extends { id: string }>(access: KeyAccess, route: string, models: M[]): M[] {
  if (access.allowedRoutes && !access.allowedRoutes.includes(route)) {
    throw GatewayError.forbidden(`This API key may not use route '${route}'.`, 'route_not_allowed');
  }
  const allowedModels = access.allowedModels;
  if (!allowedModels) return models;
  const allowed = models.filter((m) => allowedModels.includes(m.id));
  if (allowed.length === 0) throw GatewayError.forbidden(`This API key may not use any model of route '${route}'.`, 'model_not_allowed');
  return allowed;
}
