import type { ColumnType, Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../database';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface BudgetsTable {
  id: string;
  scope: 'key' | 'tenant' | 'route';
  subject: string;
  period: 'day' | 'week' | 'month' | 'rolling';
  window_seconds: number | null;
  hard_limit_usd: number | null;
  soft_limit_usd: number | null;
  created_at: Timestamp;
  deleted_at: Timestamp | null;
}

export type BudgetRow = Selectable<BudgetsTable>;

export class BudgetRepository {
  private readonly db: Kysely<Database & { budgets: BudgetsTable }>;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<{ budgets: BudgetsTable }>();
  }

  async insert(row: Insertable<BudgetsTable>): Promise<BudgetRow> {
    return this.db.insertInto('budgets').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /**
   * Inserts a budget unless a live one has the same scope, subject, period and rolling window
   * (`budgets_live_unique_idx`): then nothing is written and that one is returned as `existing`.
   * Concurrent calls race in Postgres' unique index, so exactly one of them creates.
   */
  async insertUnique(row: Insertable<BudgetsTable>): Promise<{ created: BudgetRow } | { existing: BudgetRow }> {
    try {
      return { created: await this.insert(row) };
    } catch (err) {
      if (!isUniqueViolation(err, 'budgets_live_unique_idx')) throw err;
      const existing = await this.findLive(row.scope, row.subject, row.period, row.window_seconds ?? null);
      // Deleted between the failed insert and this read: try once more.
      if (!existing) return { created: await this.insert(row) };
      return { existing };
    }
  }

  async findLive(scope: BudgetRow['scope'], subject: string, period: BudgetRow['period'], windowSeconds: number | null): Promise<BudgetRow | undefined> {
    let query = this.db.selectFrom('budgets').selectAll().where('deleted_at', 'is', null).where('scope', '=', scope).where('subject', '=', subject).where('period', '=', period);
    query = windowSeconds === null ? query.where('window_seconds', 'is', null) : query.where('window_seconds', '=', windowSeconds);
    return query.executeTakeFirst();
  }

  /**
   * Changes a live budget's limits in one transaction: the row is locked, `change` computes the new
   * limits from it (and may throw to refuse, which changes nothing), and the updated row is returned;
   * undefined when no live budget has that id.
   */
  async updateLimits(id: string, change: (row: BudgetRow) => Pick<BudgetRow, 'hard_limit_usd' | 'soft_limit_usd'>): Promise<BudgetRow | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('budgets').selectAll().where('id', '=', id).where('deleted_at', 'is', null).forUpdate().executeTakeFirst();
      if (!row) return undefined;
      const limits = change(row);
      return tx.updateTable('budgets').set(limits).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    });
  }

  async listActive(): Promise<BudgetRow[]> {
    return this.db.selectFrom('budgets').selectAll().where('deleted_at', 'is', null).orderBy('created_at').execute();
  }

  async remove(id: string, at: Date): Promise<boolean> {
    const row = await this.db.updateTable('budgets').set({ deleted_at: at }).where('id', '=', id).where('deleted_at', 'is', null).returning('id').executeTakeFirst();
    return row !== undefined;
  }
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown };
  return e?.code === '23505' && (e.constraint === constraint || (typeof e.message === 'string' && e.message.includes(constraint)));
}
