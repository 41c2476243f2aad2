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

  async listActive(): Promise<BudgetRow[]> {
    return this.db.selectFrom('budgets').selectAll().where('deleted_at', 'is', null).orderBy('created_at').execute();
  }

  async remove(id: string, at: Date): Promise<boolean> {
    const row = await this.db.updateTable('budgets').set({ deleted_at: at }).where('id', '=', id).where('deleted_at', 'is', null).returning('id').executeTakeFirst();
    return row !== undefined;
  }
}
