import { adminAuditEntry, adminObjectOf, resultIdOf } from './admin-audit';

describe('the admin audit line', () => {
  it('names the action by object and handler, the target by the path, and the body by its field names only', () => {
    expect(adminObjectOf('AdminKeysController')).toBe('keys');
    const entry = adminAuditEntry('AdminKeysController', 'update', 'POST', { id: 'key_0123456789ab' }, { tier: 'gold', rpm: 60, name: 'ci' });
    expect(entry).toEqual({ action: 'keys.update', method: 'POST', target: { id: 'key_0123456789ab' }, fields: ['name', 'rpm', 'tier'] });
    expect(JSON.stringify(entry)).not.toMatch(/gold|60/);
    expect(adminAuditEntry('AdminRoutesController', 'forget', 'POST', { route: 'auto', model: 'cheap' }, undefined)).toEqual({
      action: 'routes.forget',
      method: 'POST',
      target: { route: 'auto', model: 'cheap' },
      fields: [],
    });
    // A body that is no JSON object has no fields to name.
    expect(adminAuditEntry('AdminTenantsController', 'create', 'POST', {}, ['x']).fields).toEqual([]);
    expect(adminAuditEntry('AdminTenantsController', 'create', 'POST', undefined, 'text').fields).toEqual([]);
  });

  it("takes the id of the answer's object, when it has one", () => {
    expect(resultIdOf({ id: 'key_1', object: 'api_key', key: 'sk-gw-secret' })).toBe('key_1');
    expect(resultIdOf({ object: 'route.model.forgotten' })).toBeUndefined();
    expect(resultIdOf(undefined)).toBeUndefined();
  });
});
