import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import type { AccessService } from '../../apps/gateway/src/auth/access.service';
import { BudgetService } from '../../apps/gateway/src/budget/budget.service';
import { InProcessCounterStore } from '../../libs/budget/src';
import { loadConfig } from '../../libs/config/src';
import { systemClock } from '../../libs/core/src';
import { createTestDatabase } from '../support/test-database';
import { budgetYaml } from './budget-support';

/**
 * Watches the reads of the budget list (`select ... from budgets`): how many are under way at once,
 * each held a few milliseconds so that reloads started together would overlap.
 */
class BudgetListReads implements KyselyPlugin {
  private readonly ids = new WeakSet<object>();
  inFlight = 0;
  maxInFlight = 0;
  reads = 0;

  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    if (node.kind === 'SelectQueryNode' && JSON.stringify(node.from).includes('"name":"budgets"')) {
      this.ids.add(queryId);
      this.reads++;
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    }
    return node;
  }

  async transformResult({ queryId, result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.ids.has(queryId)) {
      await new Promise((r) => setTimeout(r, 5));
      this.inFlight--;
    }
    return result;
  }
}

describe('budget reloads run one at a time (a reload that read the list before a create cannot replace a newer one)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let reads: BudgetListReads;
  let service: BudgetService;

  beforeAll(async () => {
    database = await createTestDatabase();
    const path = join(mkdtempSync(join(tmpdir(), 'budget-race-')), 'router.yaml');
    writeFileSync(path, budgetYaml('http://127.0.0.1:9/v1'));
    const config = loadConfig({ ROUTER_CONFIG: path, DATABASE_URL: database.url });
    reads = new BudgetListReads();
    const handle = { ...database.handle, db: database.handle.db.withPlugin(reads) };
    // Only tenantExists is asked (tenant-scoped budgets); every subject here exists.
    const access = { tenantExists: async () => true } as unknown as AccessService;
    service = new BudgetService(config, systemClock, handle, () => undefined, new InProcessCounterStore(systemClock), access);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('twenty budgets created at once, while the periodic refresh also runs, each come back in their own answer and all stay listed', async () => {
    const subjects = Array.from({ length: 20 }, (_, i) => `tenant-${i}`);
    const timerTicks = Array.from({ length: 20 }, () => service.refresh());
    const created = await Promise.all(subjects.map((subject) => service.createBudget({ scope: 'tenant', subject, period: 'day', hardLimitUsd: 1 })));
    await Promise.all(timerTicks);

    // Before, each call reloaded on its own: up to forty list reads at once, and a create could answer
    // `undefined` when an older read replaced the list its own reload had just set.
    expect(reads.maxInFlight).toBe(1);
    expect(created.map((s) => s?.subject)).toEqual(subjects);
    const { rows: stored } = await sql<{ id: string }>`select id from budgets`.execute(database.handle.db);
    expect(new Set(created.map((s) => s.id))).toEqual(new Set(stored.map((r) => r.id)));
    expect((await service.statuses({ scope: 'tenant' })).map((s) => s.subject).sort()).toEqual([...subjects].sort());
    // Calls made while a reload runs share one more round: far fewer reads than the forty calls.
    expect(reads.reads).toBeLessThan(40);
  });
});
