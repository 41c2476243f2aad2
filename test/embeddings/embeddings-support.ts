import { Client } from 'pg';
import { BudgetService } from '../../apps/gateway/src/budget/budget.service';
import type { Stack } from '../support/stack';

/** Rows of a query on the stack's database (records, spend entries). */
export async function rows<T>(stack: Stack, sql: string, params: unknown[]): Promise<T[]> {
  const c = new Client({ connectionString: stack.database.url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Waits until the background writer has written every record and the budgets their spend. */
export async function flush(stack: Stack): Promise<void> {
  await stack.gateway.runtime.records.flush();
  for (let i = 0; i < 100 && stack.gateway.runtime.records.pendingCount > 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    await stack.gateway.runtime.records.flush();
  }
  await stack.gateway.app.get(BudgetService).flush();
}
