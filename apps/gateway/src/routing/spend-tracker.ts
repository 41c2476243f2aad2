import type { Clock } from '../../../../libs/core/src';
import type { SpendRepository } from '../../../../libs/storage/src';

/**
 * Today's spend per route (UTC day): what the database rollup says plus what this process has
 * served but not written yet. Read synchronously on the request path.
 */
export class SpendTracker {
  private day = '';
  private confirmed = new Map<string, number>();
  private unwritten = new Map<string, number>();

  constructor(
    private readonly repository: SpendRepository,
    private readonly clock: Clock,
  ) {}

  today(): string {
    return new Date(this.clock.now()).toISOString().slice(0, 10);
  }

  spentToday(route: string): number {
    if (this.day !== this.today()) return this.unwritten.get(route) ?? 0;
    return (this.confirmed.get(route) ?? 0) + (this.unwritten.get(route) ?? 0);
  }

  /** A served request's cost, before its record is written. */
  add(route: string, costUsd: number): void {
    this.unwritten.set(route, (this.unwritten.get(route) ?? 0) + costUsd);
  }

  /** Records were written: their cost now comes from the rollup. */
  async written(costs: Array<{ route: string; costUsd: number }>): Promise<void> {
    for (const c of costs) this.unwritten.set(c.route, Math.max(0, (this.unwritten.get(c.route) ?? 0) - c.costUsd));
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const day = this.today();
    this.confirmed = await this.repository.spendByRoute(day);
    this.day = day;
  }
}
