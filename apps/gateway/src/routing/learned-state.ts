import type { ArmState } from '../../../../libs/router/src';
import { toArmState, type ArmStatsRepository } from '../../../../libs/storage/src';

/** Margin for rows committed out of timestamp order by concurrent workers. */
const REFRESH_OVERLAP_MS = 10_000;

/**
 * The gateway's copy of the learned statistics, refreshed from Postgres every few hundred
 * milliseconds (and at once when the in-process worker reports a change), so every gateway process
 * routes on the same shared state. Decisions read it synchronously: no I/O on the request path.
 */
export class LearnedState {
  private readonly arms = new Map<string, Map<string, ArmState>>();
  private lastSeen: Date | null = null;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private again = false;

  constructor(private readonly repository: ArmStatsRepository) {}

  armsFor(route: string, contextKey = ''): ReadonlyMap<string, ArmState> {
    return this.arms.get(`${route}\u0000${contextKey}`) ?? new Map();
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

  /** Loads rows changed since the last refresh; concurrent calls coalesce into one more round. */
  async refresh(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = (async () => {
      do {
        this.again = false;
        const since = this.lastSeen ? new Date(this.lastSeen.getTime() - REFRESH_OVERLAP_MS) : null;
        const rows = await this.repository.changedSince(since);
        for (const row of rows) {
          const key = `${row.route}\u0000${row.context_key}`;
          let route = this.arms.get(key);
          if (!route) this.arms.set(key, (route = new Map()));
          route.set(row.model_id, toArmState(row));
          const at = new Date(row.updated_at);
          if (!this.lastSeen || at > this.lastSeen) this.lastSeen = at;
        }
      } while (this.again);
    })().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }
}
