import type { TierSpec } from '../../../../libs/config/src';
import { callerContextFor } from './caller-context';

describe('callerContextFor', () => {
  const tiered = { tiers: new Map<string, TierSpec>([['pro', { name: 'pro' } as TierSpec]]) };

  it("keeps a tier the route configures, and the caller's tags", () => {
    expect(callerContextFor(tiered, { metadata: { tier: 'pro', tags: 'checkout, web' } })).toEqual({ tier: 'pro', tags: ['checkout', 'web'] });
  });

  it('drops a tier the route does not configure, so a client cannot add prompt contexts at will', () => {
    expect(callerContextFor(tiered, { metadata: { tier: 'd41d8cd9-made-up' } }).tier).toBeUndefined();
    expect(callerContextFor({}, { metadata: { tier: 'pro' } }).tier).toBeUndefined();
    expect(callerContextFor({}, {})).toEqual({ tier: undefined, tags: [] });
  });
});
