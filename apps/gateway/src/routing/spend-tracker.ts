import { coalescedRounds, type Clock } from '../../../../libs/core/src';
import type { SpendRepository } from '../../../../libs/storage/src';

const DAY_MS = 86_400_000;
const MAX_READS_PER_REFRESH = 3;

/**
 * Today's spend per route (UTC day): what the database rollup says plus what this process has
 * served but not written yet. Read synchronously on the request path.
 */
export class SpendTracker {
  private day = '';
  private confirmed = new Map<string, number>();
  private unwritten = new Map<string, number>();
  /** Per `route\u0000tier`: kept in this process only (see docs/routing.md), reset at UTC midnight. */
  private tiers = new Map<string, number>();
  private tierDayEndsAt = 0;
  /** Batches reported written so far: a rollup read that one overtook is read again. */
  private writes = 0;

  constructor(
    private readonly repository: SpendRepository,
    private readonly clock: Clock,
  ) {}

  private todayLabel = '';
  private todayEndsAt = 0;
  private todayStartsAt = 0;

  /** The UTC day (YYYY-MM-DD); read on every request, so formatted once per day. */
  today(): string {
    const now = this.clock.now();
    if (now < this.todayStartsAt || now >= this.todayEndsAt) {
      this.todayStartsAt = Math.floor(now / DAY_MS) * DAY_MS;
      this.todayEndsAt = this.todayStartsAt + DAY_MS;
      this.todayLabel = new Date(this.todayStartsAt).toISOString().slice(0, 10);
    }
    return this.todayLabel;
  }

  spentToday(route: string): number {
    if (this.day !== this.today()) return this.unwritten.get(route) ?? 0;
    return (this.confirmed.get(route) ?? 0) + (this.unwritten.get(route) ?? 0);
  }

  /** A served request's cost, before its record is written. */
  add(route: string, costUsd: number): void {
    this.unwritten.set(route, (this.unwritten.get(route) ?? 0) + costUsd);
  }

  /** Today's spend of one tier of a route (requests whose `metadata.tier` named it). */
  spentTodayByTier(route: string, tier: string): number {
    if (this.clock.now() >= this.tierDayEndsAt) return 0;
    return this.tiers.get(`${route}\u0000${tier}`) ?? 0;
  }

  /** A served (or billed) request of a tier: counted apart from the route's total, which `add` keeps. */
  addTier(route: string, tier: string, costUsd: number): void {
    const now = this.clock.now();
    if (now >= this.tierDayEndsAt) {
      this.tiers.clear();
      this.tierDayEndsAt = (Math.floor(now / DAY_MS) + 1) * DAY_MS;
    }
    const key = `${route}\u0000${tier}`;
    this.tiers.set(key, (this.tiers.get(key) ?? 0) + costUsd);
  }

  /** Share of the UTC day gone, 0..1: where a daily budget's pace line is now. */
  dayElapsedFraction(): number {
    return (this.clock.now() % DAY_MS) / DAY_MS;
  }

  /**
   * Records were written, and the same statement added their cost to the rollup: it moves from
   * unwritten to confirmed here without a query. Other processes' spend comes in with `refresh`,
   * which the gateway's statistics poll runs (a query per written batch was a Postgres round trip
   * per 100 ms of traffic for a figure the poll brings anyway).
   */
  written(costs: Array<{ route: string; costUsd: number }>): void {
    this.writes++;
    const current = this.day === this.today();
    for (const c of costs) {
      this.unwritten.set(c.route, Math.max(0, (this.unwritten.get(c.route) ?? 0) - c.costUsd));
      if (current) this.confirmed.set(c.route, (this.confirmed.get(c.route) ?? 0) + c.costUsd);
    }
  }

  /**
   * Re-reads today's rollup. One read at a time (calls during one share one more round), so a slow
   * read cannot replace a newer one; and a read that a written batch overtook is read again: taken
   * before the batch's commit it would drop the cost `written` had just moved to confirmed (it moved
   * out of unwritten), undercounting the route's spend until the next poll.
   */
  readonly refresh = coalescedRounds(() => this.reload());

  private async reload(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const writes = this.writes;
      const day = this.today();
      const rollup = await this.repository.spendByRoute(day);
      // Under steady traffic a batch may land during every read: after a few, keep the last read.
      if (writes !== this.writes && attempt < MAX_READS_PER_REFRESH) continue;
      this.confirmed = rollup;
      this.day = day;
      return;
    }
  }
}
