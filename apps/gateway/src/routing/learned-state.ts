import { coalescedRounds } from '../../../../libs/core/src';
import { ArmTable, emptyWordArm, type ArmState, type LogisticArmState } from '../../../../libs/router/src';
import { toArmState, toWordArm, type ArmStatsRepository } from '../../../../libs/storage/src';

/**
 * The gateway's copy of the learned statistics, refreshed from Postgres every few hundred
 * milliseconds, and at once when a worker announces a commit (the in-process worker directly, BullMQ
 * workers on Redis, see LearningSignalSubscriber), so every gateway process
 * routes on the same shared state. Decisions read it synchronously: no I/O on the request path.
 * It holds both learners' state: the Beta arms per (route, prompt context, model), and for routes with
 * `learner: hashed_words` one word model per (route, model).
 */
export class LearnedState {
  /** Per `route\u0000context`: its arms by model, as an ArmTable (planRoute reads it as one column of counts). */
  private readonly arms = new Map<string, ArmTable>();
  /** Per `route\u0000context`: its refuted anchor while the marker lasts (`arm_stats.refuted_left`). */
  private readonly refuted = new Map<string, string>();
  private readonly words = new Map<string, Map<string, LogisticArmState>>();
  /** A model's word model before its first score (built once: 2 x 4,096 numbers, not per request). */
  private readonly untrainedWords = new Map<string, LogisticArmState>();
  /** `wordArmsFor`'s last answer per route, for the same candidates and priors objects. */
  private readonly wordArmsByRoute = new Map<string, { candidates: readonly string[]; priors?: Readonly<Record<string, number>>; arms: readonly LogisticArmState[] }>();
  /** The version (write time to the microsecond) of each word model held, per `route\u0000model`. */
  private readonly wordVersions = new Map<string, string>();
  /** Where the next read starts (`ArmStatsRepository.changesAfter`); null before the first. */
  private horizon: string | null = null;
  private wordHorizon: string | null = null;
  private timer?: NodeJS.Timeout;
  /** Rounds of reading changed rows completed (each refresh() call is one or more). */
  refreshes = 0;
  /** Arm rows read in all (a row written once is read once). */
  rowsRead = 0;

  constructor(private readonly repository: ArmStatsRepository) {}

  armsFor(route: string, contextKey = ''): ReadonlyMap<string, ArmState> {
    return this.arms.get(`${route}\u0000${contextKey}`) ?? new Map();
  }

  /**
   * The model marked as the context's refuted anchor (libs/router nextRefutedMarker, kept by the
   * worker), for decide's `refutedModelId`; undefined when none.
   */
  refutedIn(route: string, contextKey: string): string | undefined {
    return this.refuted.size === 0 ? undefined : this.refuted.get(`${route}\u0000${contextKey}`);
  }

  /**
   * The route's word models for these candidates; a candidate without one yet gets the untrained model
   * with its prior quality (`priors`, the route's price-tier priors).
   */
  wordArmsFor(route: string, candidates: readonly string[], priors?: Readonly<Record<string, number>>): readonly LogisticArmState[] {
    // One array per route, kept until a read brings a new word model of the route (the request path
    // asks on every request: a lookup per candidate and a new array each time, at dozens of models).
    const cached = this.wordArmsByRoute.get(route);
    if (cached && cached.candidates === candidates && cached.priors === priors) return cached.arms;
    const stored = this.words.get(route);
    const arms = candidates.map((id) => {
      const arm = stored?.get(id);
      if (arm) return arm;
      const prior = priors?.[id];
      const key = `${id}\u0000${prior ?? ''}`;
      let untrained = this.untrainedWords.get(key);
      if (!untrained) this.untrainedWords.set(key, (untrained = emptyWordArm(id, prior)));
      return untrained;
    });
    this.wordArmsByRoute.set(route, { candidates, priors, arms });
    return arms;
  }

  /** Every (route, context) the router holds beliefs for. */
  entries(): Array<{ route: string; contextKey: string; arms: ReadonlyMap<string, ArmState> }> {
    return [...this.arms.entries()].map(([key, arms]) => {
      const [route, contextKey] = key.split('\u0000');
      return { route, contextKey, arms };
    });
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Loads the rows written since the last read (each read says where the next one starts, so none is
   * read twice and none is missed); concurrent calls coalesce into one more round.
   */
  readonly refresh = coalescedRounds(() => this.readChanges());

  private async readChanges(): Promise<void> {
    // Word models this copy already holds are left out before their weights are read.
    const [arms, words] = await Promise.all([this.repository.changesAfter(this.horizon), this.repository.wordChangesAfter(this.wordHorizon, this.wordVersions)]);
    for (const row of arms.rows) {
      const key = `${row.route}\u0000${row.context_key}`;
      let route = this.arms.get(key);
      if (!route) this.arms.set(key, (route = new ArmTable()));
      route.set(row.model_id, toArmState(row));
      // The worker writes every row of a context with its marker, so each row says whether it holds it.
      if (row.refuted_left > 0) this.refuted.set(key, row.model_id);
      else if (this.refuted.get(key) === row.model_id) this.refuted.delete(key);
    }
    for (const row of words.rows) {
      const key = `${row.route}\u0000${row.model_id}`;
      if (this.wordVersions.get(key) === row.version) continue;
      this.wordVersions.set(key, row.version);
      let route = this.words.get(row.route);
      if (!route) this.words.set(row.route, (route = new Map()));
      route.set(row.model_id, toWordArm(row));
      this.wordArmsByRoute.delete(row.route);
    }
    this.horizon = arms.horizon;
    this.wordHorizon = words.horizon;
    this.rowsRead += arms.rows.length;
    this.refreshes++;
  }
}
