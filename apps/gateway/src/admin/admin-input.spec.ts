import { GatewayError } from '../../../../libs/core/src';
import { budgetLimitsSchema, isCalendarDay, keyChangeSchema, newKeySchema, parseBody, singleQueryValue, tenantChangeSchema } from './admin-input';

describe('isCalendarDay', () => {
  it.each(['2026-01-01', '2024-02-29', '0001-01-01', '9999-12-31'])('takes %s', (day) => expect(isCalendarDay(day)).toBe(true));
  it.each(['2026-13-01', '2026-02-29', '2026-04-31', '2026-00-10', '0000-01-01', '2026-1-01', '2026-01-01T00:00:00Z', ''])('refuses %j', (day) => expect(isCalendarDay(day)).toBe(false));
});

describe('singleQueryValue', () => {
  it('passes one value or none through', () => {
    expect(singleQueryValue('a', 'route')).toBe('a');
    expect(singleQueryValue(undefined, 'route')).toBeUndefined();
  });

  it('refuses a repeated parameter with a 400 naming it', () => {
    expect(() => singleQueryValue(['a', 'b'], 'tenant_id')).toThrow(expect.objectContaining({ status: 400, param: 'tenant_id' }) as GatewayError);
  });
});

describe('newKeySchema', () => {
  it('refuses names, tiers and tags Postgres cannot store', () => {
    for (const body of [{ name: 'a\u0000' }, { tier: '\ud800' }, { tags: ['ok', 'x\u0000'] }]) expect(newKeySchema.safeParse(body).success).toBe(false);
    expect(newKeySchema.safeParse({ name: 'équipe 🧪', tier: 'pro', tags: ['a'] }).success).toBe(true);
  });
});

describe('keyChangeSchema', () => {
  it('keeps a missing field missing and a null one null (cleared)', () => {
    expect(keyChangeSchema.parse({ rpm: 10 })).toEqual({ rpm: 10 });
    expect(keyChangeSchema.parse({ rpm: null, allowed_routes: null, expires_at: null, tags: null })).toEqual({ rpm: null, allowed_routes: null, expires_at: null, tags: null });
  });

  it('checks each field as creation does', () => {
    for (const body of [{ rpm: 0 }, { tpm: 2 ** 31 }, { allowed_routes: ['a b'] }, { expires_at: 'tomorrow' }, { name: 'a\u0000' }, { tier: '' }]) {
      expect(keyChangeSchema.safeParse(body).success).toBe(false);
    }
  });

  it('refuses an empty change, and fields a key cannot change, naming them', () => {
    expect(() => parseBody(keyChangeSchema, {})).toThrow(expect.objectContaining({ status: 400, param: null }) as GatewayError);
    expect(() => parseBody(keyChangeSchema, { tenant_id: 'other' })).toThrow(expect.objectContaining({ status: 400, param: 'tenant_id' }) as GatewayError);
    expect(() => parseBody(keyChangeSchema, { key: 'sk-gw-x' })).toThrow(expect.objectContaining({ status: 400, param: 'key' }) as GatewayError);
    expect(() => parseBody(keyChangeSchema, { rpm: -1 })).toThrow(expect.objectContaining({ status: 400, param: 'rpm' }) as GatewayError);
  });
});

describe('tenantChangeSchema', () => {
  it('takes a name and limits, null limits for none; a name cannot be cleared', () => {
    expect(tenantChangeSchema.parse({ name: 'Team', rpm: null, tpm: 5 })).toEqual({ name: 'Team', rpm: null, tpm: 5 });
    expect(() => parseBody(tenantChangeSchema, { name: null })).toThrow(expect.objectContaining({ status: 400, param: 'name' }) as GatewayError);
    expect(() => parseBody(tenantChangeSchema, {})).toThrow(expect.objectContaining({ status: 400 }) as GatewayError);
    expect(() => parseBody(tenantChangeSchema, { id: 'renamed' })).toThrow(expect.objectContaining({ status: 400, param: 'id' }) as GatewayError);
  });
});

describe('budgetLimitsSchema', () => {
  it('takes null to remove one limit, not both', () => {
    expect(budgetLimitsSchema.parse({ hard_limit_usd: null })).toEqual({ hard_limit_usd: null });
    expect(budgetLimitsSchema.parse({ hard_limit_usd: null, soft_limit_usd: 3 })).toEqual({ hard_limit_usd: null, soft_limit_usd: 3 });
    expect(() => parseBody(budgetLimitsSchema, { hard_limit_usd: null, soft_limit_usd: null })).toThrow(expect.objectContaining({ status: 400, param: 'hard_limit_usd' }) as GatewayError);
  });
});
