import { ApiKeyRepository } from '../../libs/storage/src/repositories/api-key.repository';
import { TenantRepository } from '../../libs/storage/src/repositories/tenant.repository';
import { createTestDatabase } from '../support/test-database';

/** A tenant's delete against a key created for it at the same time, on the real Postgres. */
describe('tenant repository: delete', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let tenants: TenantRepository;
  let keys: ApiKeyRepository;
  const key = (id: string, tenantId: string) => ({
    id,
    tenant_id: tenantId,
    key_hash: `hash-${id}`,
    name: null,
    tier: null,
    allowed_routes: null,
    allowed_models: null,
    tags: '[]',
    rpm: null,
    tpm: null,
    expires_at: null,
    created_at: new Date('2026-12-07T00:00:00Z'),
  });

  beforeAll(async () => {
    testDb = await createTestDatabase();
    tenants = new TenantRepository(testDb.handle.db);
    keys = new ApiKeyRepository(testDb.handle.db);
  });
  afterAll(() => testDb.drop());

  it('refuses while a key is not revoked, then marks the tenant deleted and retires its tenant budgets only', async () => {
    await tenants.create({ id: 'acme', name: 'acme', rpm: null, tpm: null });
    await keys.insertForLiveTenant(key('key_a', 'acme'));
    const at = new Date('2026-12-07T10:00:00Z');
    expect(await tenants.remove('acme', at)).toEqual({ activeKeys: ['key_a'] });
    await keys.revoke('key_a', at);
    const db = testDb.handle.db.withTables<{ budgets: { id: string; scope: string; subject: string; period: string; created_at: Date; deleted_at: Date | null } }>();
    await db
      .insertInto('budgets')
      .values([
        { id: 'b_tenant', scope: 'tenant', subject: 'acme', period: 'day', created_at: at, deleted_at: null },
        { id: 'b_key', scope: 'key', subject: 'acme', period: 'day', created_at: at, deleted_at: null },
      ])
      .execute();
    const removed = await tenants.remove('acme', at);
    expect(removed).toEqual({ removed: expect.objectContaining({ id: 'acme', deleted_at: at }) });
    const budgets = await db.selectFrom('budgets').select(['id', 'deleted_at']).orderBy('id').execute();
    expect(budgets).toEqual([
      { id: 'b_key', deleted_at: null },
      { id: 'b_tenant', deleted_at: at },
    ]);
    expect(await keys.insertForLiveTenant(key('key_b', 'acme'))).toBeUndefined();
    expect(await tenants.update('acme', { rpm: 5 })).toBeUndefined();
    expect(await tenants.remove('nobody', at)).toEqual({ missing: true });
  });

  it('a key created while its tenant is deleted: either the key exists and the delete was refused, or the delete won and the key was not created', async () => {
    const outcomes = { keyWon: 0, deleteWon: 0 };
    for (let i = 0; i < 30; i++) {
      const tenant = `race-${i}`;
      await tenants.create({ id: tenant, name: tenant, rpm: null, tpm: null });
      const [removal, inserted] = await Promise.all([tenants.remove(tenant, new Date()), keys.insertForLiveTenant(key(`key_race_${i}`, tenant))]);
      if (inserted) {
        expect(removal).toEqual({ activeKeys: [inserted.id] });
        outcomes.keyWon++;
      } else {
        expect(removal).toEqual({ removed: expect.objectContaining({ id: tenant }) });
        outcomes.deleteWon++;
      }
    }
    expect(outcomes.keyWon + outcomes.deleteWon).toBe(30);
  });
});
