import { emptyWordArm, type ArmState, type LogisticArmState } from '../../../../libs/router/src';
import { toArmState, toWordArm, type ArmStatsRepository } from '../../../../libs/storage/src';

/** Margin for rows committed out of timestamp order by concurrent workers (the poll's reads). */
export const REFRESH_OVERLAP_MS = 10_000;
/**
 * The margin of the reads a worker's announcement triggers (up to 20 a second): each read re-reads the
 * rows changed within its margin, so the full margin would read ten seconds of changes twenty times a
 * second. A row another worker stamped earlier but committed after such a read is picked up by the
 * next poll (its full margin), as before announcements existed.
 */
export const ANNOUNCED_OVERLAP_MS = 1_000;

/**
 * The gateway's copy of the learned statistics, refreshed from Postgres every few hundred
 * milliseconds, and at once when a worker announces a commit (the in-process worker directly, BullMQ
 * workers on Redis, see LearningSignalSubscriber), so every gateway process
 * routes on the same shared state. Decisions read it synchronously: no I/O on the request path.
 * It holds both learners' state: the Beta arms per (route, prompt context, model), and for routes with
 * `learner: hashed_words` one word model per (route, model).
 */
export class LearnedState {
  private readonly arms = new Map<string, Map<string, ArmState>>();
  private readonly words = new Map<string, Map<string, LogisticArmState>>();
  /** A model's word model before its first score (built once: 2 x 4,096 numbers, not per request). */
  private readonly untrainedWords = new Map<string, LogisticArmState>();
  /** The version (write time to the microsecond) of each word model held, per `route\u0000model`. */
  private readonly wordVersions = new Map<string, string>();
  private lastSeen: Date | null = null;
  private lastWordSeen: Date | null = null;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private again = false;
  private againOverlapMs = 0;
  /** Rounds of reading changed rows completed (each refresh() call is one or more). */
  refreshes = 0;

  constructor(private readonly repository: ArmStatsRepository) {}

  armsFor(route: string, contextKey = ''): ReadonlyMap<string, ArmState> {
    return this.arms.get(`${route}\u0000${contextKey}`) ?? new Map();
  }

  /**
   * The route's word models for these candidates; a candidate without one yet gets the untrained model
   * with its prior quality (`priors`, the route's price-tier priors).
   */
  wordArmsFor(route: string, candidates: readonly string[], priors?: Readonly<Record<string, number>>): LogisticArmState[] {
    const stored = this.words.get(route);
    return candidates.map((id) => {
      const arm = stored?.get(id);
      if (arm) return arm;
      const prior = priors?.[id];
      const key = `${id}\u0000${prior ?? ''}`;
      let untrained = this.untrainedWords.get(key);
      if (!untrained) this.untrainedWords.set(key, (untrained = emptyWordArm(id, prior)));
      return untrained;
    });
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
   * Loads rows changed since the last refresh, less `overlapMs`; concurrent calls coalesce into one more
   * round, with the largest margin asked for.
   */
  async refresh(overlapMs = REFRESH_OVERLAP_MS): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      this.againOverlapMs = Math.max(this.againOverlapMs, overlapMs);
      return this.inFlight;
    }
    this.inFlight = (async () => {
      let overlap = overlapMs;
      do {
        this.again = false;
        const since = withOverlap(this.lastSeen, overlap);
        const wordsSince = withOverlap(this.lastWordSeen, overlap);
        // Word models this copy already holds are left out before their weights are read.
        const [rows, wordRows] = await Promise.all([this.repository.changedSince(since), this.repository.changedWordArmsSince(wordsSince, this.wordVersions)]);
        for (const row of rows) {
          const key = `${row.route}\u0000${row.context_key}`;
          let route = this.arms.get(key);
          if (!route) this.arms.set(key, (route = new Map()));
          route.set(row.model_id, toArmState(row));
          const at = new Date(row.updated_at);
          if (!this.lastSeen || at > this.lastSeen) this.lastSeen = at;
        }
        for (const row of wordRows) {
          const at = new Date(row.updated_at);
          if (!this.lastWordSeen || at > this.lastWordSeen) this.lastWordSeen = at;
          const key = `${row.route}\u0000${row.model_id}`;
          if (this.wordVersions.get(key) === row.version) continue;
          this.wordVersions.set(key, row.version);
          let route = this.words.get(row.route);
          if (!route) this.words.set(row.route, (route = new Map()));
          route.set(row.model_id, toWordArm(row));
        }
        this.refreshes++;
        // Calls made during this round asked for one more, with the largest of their margins.
        overlap = this.againOverlapMs;
        this.againOverlapMs = 0;
      } while (this.again);
    })().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }
}

function withOverlap(at: Date | null, overlapMs: number): Date | null {
  return at ? new Date(at.getTime() - overlapMs) : null;
}
