import type { TierSpec } from '../../../../libs/config/src';
import { callerContextFor, callerHeadersOf } from './caller-context';

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

  it("holds a key with a tier to that tier: the request's metadata cannot claim another", () => {
    const twoTiers = { tiers: new Map<string, TierSpec>([['pro', { name: 'pro' } as TierSpec], ['free', { name: 'free' } as TierSpec]]) };
    expect(callerContextFor(twoTiers, { metadata: { tier: 'pro' } }, { tier: 'free', tags: [] }).tier).toBe('free');
    // A key tier the route does not configure: the route's constraints, not the request's claim.
    expect(callerContextFor(tiered, { metadata: { tier: 'pro' } }, { tier: 'free', tags: [] }).tier).toBeUndefined();
    // A key without a tier leaves it to the request.
    expect(callerContextFor(tiered, { metadata: { tier: 'pro' } }, { tier: null, tags: [] }).tier).toBe('pro');
  });

  it("puts the key's tags before the request's", () => {
    expect(callerContextFor({}, { metadata: { tags: 'web' } }, { tier: null, tags: ['Team-A'] }).tags).toEqual(['team-a', 'web']);
  });

  it("takes the x-router-tier header over metadata.tier, and a key's tier over both", () => {
    const twoTiers = { tiers: new Map<string, TierSpec>([['pro', { name: 'pro' } as TierSpec], ['free', { name: 'free' } as TierSpec]]) };
    expect(callerContextFor(twoTiers, { metadata: { tier: 'pro' } }, undefined, { tier: 'free' }).tier).toBe('free');
    expect(callerContextFor(twoTiers, { metadata: { tier: 'pro' } }, { tier: null, tags: [] }, { tier: 'free' }).tier).toBe('free');
    expect(callerContextFor(twoTiers, {}, { tier: 'pro', tags: [] }, { tier: 'free' }).tier).toBe('pro');
    // A header tier the route does not configure is dropped like a metadata one.
    expect(callerContextFor(twoTiers, {}, undefined, { tier: 'made-up' }).tier).toBeUndefined();
  });

  it("puts the header's tags between the key's and the request's", () => {
    expect(callerContextFor({}, { metadata: { tags: 'web,desk-b' } }, { tier: null, tags: ['team-a'] }, { tags: 'Desk-B, checkout' }).tags).toEqual([
      'team-a',
      'desk-b',
      'checkout',
      'web',
    ]);
  });
});

describe('callerHeadersOf', () => {
  it('reads the two headers, and nothing when neither is sent', () => {
    expect(callerHeadersOf({ authorization: 'Bearer x' })).toBeUndefined();
    expect(callerHeadersOf({ 'x-router-tier': '  ', 'x-router-tags': '' })).toBeUndefined();
    expect(callerHeadersOf({ 'x-router-tier': ' pro ' })).toEqual({ tier: 'pro' });
    expect(callerHeadersOf({ 'x-router-tags': 'a,b' })).toEqual({ tags: 'a,b' });
    expect(callerHeadersOf({ 'x-router-tier': ['free', 'pro'], 'x-router-tags': ['a', 'b'] })).toEqual({ tier: 'free', tags: 'a,b' });
  });
});
