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

/**
 * The spend of one request, beside its record: who pays (tenant, key), on which route and model, and
 * what it cost. Written with the request record (`RequestRecordRepository.insertBatch`), in the same
 * statement and from the same journal, so a spend entry is never lost when a record is not.
 */
export interface RecordSpend {
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
