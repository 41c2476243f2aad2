import { sql, type Kysely } from 'kysely';
import type { Database, NewRequestRow, RequestRow } from '../database';

export class RequestRecordRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Writes a batch of request records and adds their cost to the daily spend rollup, in one
   * transaction. Idempotent: a record already written (a retried batch) is skipped, spend included.
   */
  async insertBatch(records: NewRequestRow[]): Promise<number> {
    if (records.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx.insertInto('requests').values(records).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute();
      const ids = new Set(inserted.map((r) => r.id));
      const spend = new Map<string, { day: string; route: string; model_id: string; cost_usd: number; requests: number }>();
      for (const r of records) {
        if (!ids.has(r.id) || !r.route || !r.model_id) continue;
        const day = new Date(r.created_at).toISOString().slice(0, 10);
        const key = `${day}|${r.route}|${r.model_id}`;
        const entry = spend.get(key) ?? { day, route: r.route, model_id: r.model_id, cost_usd: 0, requests: 0 };
        entry.cost_usd += r.cost_usd ?? 0;
        entry.requests += 1;
        spend.set(key, entry);
      }
      if (spend.size > 0) {
        await trx
          .insertInto('spend_daily')
          .values([...spend.values()])
          .onConflict((oc) =>
            oc.columns(['day', 'route', 'model_id']).doUpdateSet({
              cost_usd: sql`spend_daily.cost_usd + excluded.cost_usd`,
              requests: sql`spend_daily.requests + excluded.requests`,
            }),
          )
          .execute();
      }
      return inserted.length;
    });
  }

  async findById(id: string): Promise<RequestRow | undefined> {
    return this.db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async exists(id: string): Promise<boolean> {
    const row = await this.db.selectFrom('requests').select('id').where('id', '=', id).executeTakeFirst();
    return row !== undefined;
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The most recent requests of a route, newest first. */
  async recent(route: string | undefined, limit: number): Promise<RequestRow[]> {
    let q = this.db.selectFrom('requests').selectAll().orderBy('created_at', 'desc').limit(limit);
    if (route) q = q.where('route', '=', route);
    return q.execute();
  }
}
