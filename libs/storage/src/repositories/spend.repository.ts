import type { Kysely } from 'kysely';
import type { Database } from '../database';

export class SpendRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** USD spent per route on a UTC day (`YYYY-MM-DD`), from the rollup: never scans the request records. */
  async spendByRoute(day: string): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('spend_daily')
      .select(['route', (eb) => eb.fn.sum<number>('cost_usd').as('cost')])
      .where('day', '=', day)
      .groupBy('route')
      .execute();
    return new Map(rows.map((r) => [r.route, Number(r.cost)]));
  }
}
