import { sql, type ColumnType, type Kysely } from 'kysely';
import type { Database } from '../database';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** Append-only: one row per request that reached a provider. */
export interface SpendLedgerTable {
  request_id: string;
  created_at: Timestamp;
  tenant_id: string;
  key_id: string | null;
  route: string;
  model_id: string | null;
  cost_usd: number;
}

/** Daily sums per tenant, key, route and model ('' for no key or no model). */
export interface SpendRollupDailyTable {
  day: ColumnType<string, string, string>;
  tenant_id: string;
  key_id: string;
  route: string;
  model_id: string;
  cost_usd: number;
  requests: number;
}

export interface LedgerEntry {
  requestId: string;
  createdAt: Date;
  tenantId: string;
  keyId: string | null;
  route: string;
  modelId: string | null;
  costUsd: number;
}

export type SpendScope = 'key' | 'tenant' | 'route';

export interface SpendRow {
  day: string;
  tenant_id: string;
  key_id: string;
  route: string;
  model_id: string;
  cost_usd: number;
  requests: number;
}

type Tables = Database & { spend_ledger: SpendLedgerTable; spend_rollup_daily: SpendRollupDailyTable };

const scopeColumn = { key: 'key_id', tenant: 'tenant_id', route: 'route' } as const;

export class SpendLedgerRepository {
  private readonly db: Kysely<Tables>;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<{ spend_ledger: SpendLedgerTable; spend_rollup_daily: SpendRollupDailyTable }>();
  }

  /**
   * Appends entries and adds them to the daily rollup in one transaction. Idempotent: an entry
   * already in the ledger (a retried batch) is skipped, rollup included.
   */
  async append(entries: LedgerEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      // One JSON parameter for the batch (see RequestRecordRepository.insertBatch): cheaper to build than a multi-row insert.
      const rows = entries.map((e) => ({ request_id: e.requestId, created_at: e.createdAt, tenant_id: e.tenantId, key_id: e.keyId, route: e.route, model_id: e.modelId, cost_usd: e.costUsd }));
      const { rows: inserted } = await sql<{ request_id: string }>`
        INSERT INTO spend_ledger (request_id, created_at, tenant_id, key_id, route, model_id, cost_usd)
        SELECT request_id, created_at, tenant_id, key_id, route, model_id, cost_usd
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(request_id text, created_at timestamptz, tenant_id text, key_id text,
          route text, model_id text, cost_usd double precision)
        ON CONFLICT (request_id) DO NOTHING
        RETURNING request_id`.execute(trx);
      const ids = new Set(inserted.map((r) => r.request_id));
      const rollup = new Map<string, SpendRow>();
      for (const e of entries) {
        if (!ids.has(e.requestId)) continue;
        const day = e.createdAt.toISOString().slice(0, 10);
        const row = { day, tenant_id: e.tenantId, key_id: e.keyId ?? '', route: e.route, model_id: e.modelId ?? '', cost_usd: 0, requests: 0 };
        const k = `${row.day}|${row.tenant_id}|${row.key_id}|${row.route}|${row.model_id}`;
        const entry = rollup.get(k) ?? row;
        entry.cost_usd += e.costUsd;
        entry.requests += 1;
        rollup.set(k, entry);
      }
      if (rollup.size > 0) {
        await trx
          .insertInto('spend_rollup_daily')
          .values([...rollup.values()])
          .onConflict((oc) =>
            oc.columns(['day', 'tenant_id', 'key_id', 'route', 'model_id']).doUpdateSet({
              cost_usd: sql`spend_rollup_daily.cost_usd + excluded.cost_usd`,
              requests: sql`spend_rollup_daily.requests + excluded.requests`,
            }),
          )
          .execute();
      }
      return inserted.length;
    });
  }

  /** Spend of one key, tenant or route over whole UTC days [fromDay, toDay], from the rollup. */
  async spentOverDays(scope: SpendScope, subject: string, fromDay: string, toDay: string): Promise<number> {
    const row = await this.db
      .selectFrom('spend_rollup_daily')
      .select((eb) => eb.fn.sum<number>('cost_usd').as('cost'))
      .where(scopeColumn[scope], '=', subject)
      .where('day', '>=', fromDay)
      .where('day', '<=', toDay)
      .executeTakeFirst();
    return Number(row?.cost ?? 0);
  }

  /** Spend since an instant, from the ledger through its (subject, created_at) index: for rolling windows. */
  async spentSince(scope: SpendScope, subject: string, since: Date): Promise<number> {
    const row = await this.db
      .selectFrom('spend_ledger')
      .select((eb) => eb.fn.sum<number>('cost_usd').as('cost'))
      .where(scopeColumn[scope], '=', subject)
      .where('created_at', '>=', since)
      .executeTakeFirst();
    return Number(row?.cost ?? 0);
  }

  /** Rollup rows filtered by any of tenant, key, route, between two days. */
  async rollup(filter: { tenantId?: string; keyId?: string; route?: string; fromDay: string; toDay: string }): Promise<SpendRow[]> {
    let q = this.db.selectFrom('spend_rollup_daily').selectAll().where('day', '>=', filter.fromDay).where('day', '<=', filter.toDay);
    if (filter.tenantId) q = q.where('tenant_id', '=', filter.tenantId);
    if (filter.keyId) q = q.where('key_id', '=', filter.keyId);
    if (filter.route) q = q.where('route', '=', filter.route);
    return q.orderBy('day').orderBy('tenant_id').orderBy('key_id').orderBy('route').orderBy('model_id').execute();
  }

  async totalFor(scope: SpendScope, subject: string): Promise<{ costUsd: number; requests: number }> {
    const row = await this.db
      .selectFrom('spend_ledger')
      .select((eb) => [eb.fn.sum<number>('cost_usd').as('cost'), eb.fn.countAll<number>().as('n')])
      .where(scopeColumn[scope], '=', subject)
      .executeTakeFirst();
    return { costUsd: Number(row?.cost ?? 0), requests: Number(row?.n ?? 0) };
  }
}
