import { callerTags, MAX_CALLER_TAG_CHARS, MAX_CALLER_TAGS } from './caller-tags';

describe('callerTags', () => {
  it("reads metadata.tags as comma-separated tags: trimmed, lower-cased, without empties or repeats", () => {
    expect(callerTags({ metadata: { tags: ' Summarize, mobile,,summarize ,MOBILE ,checkout' } })).toEqual(['summarize', 'mobile', 'checkout']);
  });

  it('gives none without metadata, without tags or with an empty string', () => {
    expect(callerTags({})).toEqual([]);
    expect(callerTags({ metadata: { tier: 'pro' } })).toEqual([]);
    expect(callerTags({ metadata: { tags: ' , ' } })).toEqual([]);
  });

  it("puts the gateway key's tags first, normalised the same way", () => {
    expect(callerTags({ metadata: { tags: 'web,Checkout' } }, ['Checkout', ' team-a '])).toEqual(['checkout', 'team-a', 'web']);
    expect(callerTags({}, ['team-a'])).toEqual(['team-a']);
  });

  it("reads the x-router-tags header's tags after the key's and before the request's", () => {
    expect(callerTags({ metadata: { tags: 'web' } }, ['team-a'], ' Desk-B ,web')).toEqual(['team-a', 'desk-b', 'web']);
    expect(callerTags({}, [], 'desk-b')).toEqual(['desk-b']);
    expect(callerTags({}, [], ' , ')).toEqual([]);
  });

  it('bounds how many tags and how long each one', () => {
    const many = Array.from({ length: 40 }, (_, i) => `t${i}`).join(',');
    expect(callerTags({ metadata: { tags: many } })).toHaveLength(MAX_CALLER_TAGS);
    expect(callerTags({ metadata: { tags: 'x'.repeat(500) } })[0]).toHaveLength(MAX_CALLER_TAG_CHARS);
  });
});
