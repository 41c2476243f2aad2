import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely';
import { migrations } from '../../migrations';
import { migrateToLatest } from '../../libs/storage/src';
import { BudgetRepository } from '../../libs/storage/src/repositories/budget.repository';
import { createTestDatabase } from '../support/test-database';

/** One live budget per (scope, subject, period, rolling window), on the real Postgres. */
describe('budget repository and the budget-unique migration', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let budgets: BudgetRepository;
  const row = (id: string, over: Record<string, unknown> = {}) => ({
    id,
    scope: 'key' as const,
    subject: 'key_a',
    period: 'day' as const,
    window_seconds: null,
    hard_limit_usd: 10,
    soft_limit_usd: null,
    created_at: new Date('2026-12-01T00:00:00Z'),
    ...over,
  });

  beforeAll(async () => {
    testDb = await createTestDatabase();
    budgets = new BudgetRepository(testDb.handle.db);
  });
  afterAll(() => testDb.drop());

  it('duplicates stored before the migration are merged into the oldest (lowest limits kept), the rest retired, and the migration succeeds', async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator runs on an untyped schema
    const db = testDb.handle.db as unknown as Kysely<any>;
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    // Back to just before budget-unique (the later migrations' downs run too, and their ups again below).
    const before = '20261206T200000-request-kind';
    const later = Object.keys(migrations).filter((name) => name > before);
    expect(later[0]).toBe('20261207T013000-budget-unique');
    const down = await migrator.migrateTo(before);
    expect(down.results?.map((r) => [r.migrationName, r.status])).toEqual([...later].reverse().map((name) => [name, 'Success']));
    const at = (day: number) => new Date(Date.UTC(2026, 11, day));
    await db
      .insertInto('budgets')
      .values([
        row('b_old', { hard_limit_usd: 10, soft_limit_usd: 8, created_at: at(1) }),
        row('b_mid', { hard_limit_usd: 3, soft_limit_usd: null, created_at: at(2) }),
        row('b_new', { hard_limit_usd: null, soft_limit_usd: 2, created_at: at(3) }),
        row('b_week', { period: 'week', created_at: at(1) }),
        row('b_roll1', { period: 'rolling', window_seconds: 3600, created_at: at(1) }),
        row('b_roll2', { period: 'rolling', window_seconds: 60, created_at: at(2) }),
        row('s_only1', { subject: 'key_b', hard_limit_usd: null, soft_limit_usd: 5, created_at: at(1) }),
        row('s_only2', { subject: 'key_b', hard_limit_usd: null, soft_limit_usd: 4, created_at: at(2) }),
        row('gone', { subject: 'key_c', created_at: at(1), deleted_at: at(2) }),
        row('gone_live', { subject: 'key_c', created_at: at(3) }),
      ])
      .execute();
    expect(await migrateToLatest(db)).toEqual(later);
    const live = await budgets.listActive();
    const limits = Object.fromEntries(live.map((b) => [b.id, [b.hard_limit_usd, b.soft_limit_usd]]));
    expect(limits).toEqual({ b_old: [3, 2], b_week: [10, null], b_roll1: [10, null], b_roll2: [10, null], s_only1: [null, 4], gone_live: [10, null] });
    const retired = await sql<{ id: string }>`select id from budgets where deleted_at is not null order by id`.execute(db);
    expect(retired.rows.map((r) => r.id)).toEqual(['b_mid', 'b_new', 'gone', 's_only2']);
  });

  it('of 20 concurrent inserts of one budget exactly one creates; the rest get it back as existing', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => budgets.insertUnique(row(`c_${i}`, { subject: 'key_race' }))));
    const created = results.flatMap((r) => ('created' in r ? [r.created.id] : []));
    expect(created).toHaveLength(1);
    expect(results.flatMap((r) => ('existing' in r ? [r.existing.id] : []))).toEqual(Array.from({ length: 19 }, () => created[0]));
    // Deleted, its place is free again.
    await budgets.remove(created[0], new Date());
    expect('created' in (await budgets.insertUnique(row('c_after', { subject: 'key_race' })))).toBe(true);
  });

  it('updateLimits changes a live budget in one transaction; a refusal thrown by the change leaves it as it was', async () => {
    await budgets.insert(row('u_1', { subject: 'key_u', soft_limit_usd: 5 }));
    expect(await budgets.updateLimits('u_1', () => ({ hard_limit_usd: 20, soft_limit_usd: 5 }))).toMatchObject({ id: 'u_1', hard_limit_usd: 20 });
    await expect(
      budgets.updateLimits('u_1', () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect((await budgets.listActive()).find((b) => b.id === 'u_1')).toMatchObject({ hard_limit_usd: 20, soft_limit_usd: 5 });
    expect(await budgets.updateLimits('no_such', () => ({ hard_limit_usd: 1, soft_limit_usd: null }))).toBeUndefined();
    await budgets.remove('u_1', new Date());
    expect(await budgets.updateLimits('u_1', () => ({ hard_limit_usd: 1, soft_limit_usd: null }))).toBeUndefined();
  });
});
