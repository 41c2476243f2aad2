import { GatewayError } from '../../../../libs/core/src';
import { isCalendarDay, newKeySchema, singleQueryValue } from './admin-input';

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
