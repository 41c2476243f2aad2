import type { ChatRequest } from '../../../core/src';
import { bucketModulus, featureScale, hashedPromptFeatures, hashedTextFeatures, TAG_TOKEN_COPIES } from './hashed-features';

const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'm', messages: [{ role: 'user', content }], ...extra });

describe('hashedPromptFeatures', () => {
  it('gives sorted, distinct buckets in range with the bias first', () => {
    const f = hashedPromptFeatures(ask('Which enzyme unwinds the DNA double helix? Which enzyme? A. helicase B. ligase'), { bits: 10 });
    expect(f[0]).toBe(0);
    for (let i = 1; i < f.length; i++) {
      expect(f[i]).toBeGreaterThan(f[i - 1]);
      expect(f[i]).toBeLessThan(1024);
    }
  });

  it('is case-insensitive, ignores words under 3 letters, and is stable', () => {
    const a = hashedTextFeatures('The Enzyme of a DNA helix');
    const b = hashedTextFeatures('the enzyme of DNA helix a');
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(hashedTextFeatures('a b c of'))).toEqual([0]);
  });

  it('tells different vocabularies apart and marks tools and structured output', () => {
    const law = hashedTextFeatures('The plaintiff sued the defendant for breach of contract');
    const chem = hashedTextFeatures('The molar mass of sodium chloride in grams per mole');
    const shared = Array.from(law).filter((k) => chem.includes(k));
    expect(shared.length).toBeLessThan(4);
    const plain = hashedPromptFeatures(ask('list the files'));
    const tooled = hashedPromptFeatures(ask('list the files', { response_format: { type: 'json_object' } }));
    expect(tooled.length).toBe(plain.length + 1);
  });

  it("adds TAG_TOKEN_COPIES tokens per caller tag (metadata.tags), so the same text from two call sites differs by its tags alone", () => {
    const plain = hashedPromptFeatures(ask('summarize this ticket'));
    const withTier = hashedPromptFeatures(ask('summarize this ticket', { metadata: { tier: 'pro' } }));
    expect(Array.from(withTier)).toEqual(Array.from(plain));
    const checkout = hashedPromptFeatures(ask('summarize this ticket', { metadata: { tags: 'checkout' } }));
    const support = hashedPromptFeatures(ask('summarize this ticket', { metadata: { tags: 'support, Support' } }));
    const both = hashedPromptFeatures(ask('summarize this ticket', { metadata: { tags: 'checkout,support' } }));
    expect(checkout.length).toBe(plain.length + TAG_TOKEN_COPIES);
    expect(support.length).toBe(plain.length + TAG_TOKEN_COPIES);
    expect(Array.from(checkout)).not.toEqual(Array.from(support));
    expect(new Set([...checkout, ...support])).toEqual(new Set(both));
    // A tag is its own token: the tag "summarize" is not the word "summarize".
    expect(hashedPromptFeatures(ask('summarize this ticket', { metadata: { tags: 'summarize' } })).length).toBe(plain.length + TAG_TOKEN_COPIES);
  });

  it('reads only the tail of a very long prompt', () => {
    const long = `${'alpha '.repeat(2000)}omega`;
    expect(hashedTextFeatures(long).length).toBe(3);
    expect(featureScale(hashedTextFeatures(long))).toBeCloseTo(1 / Math.sqrt(3));
  });
});

describe('bucketModulus', () => {
  it('is 2 ** bits - 1, by a shift for integer bits up to 30', () => {
    for (const bits of [0, 1, 4, 12, 16, 30, 31, 32, 40, 53, 2.5, -1, 12.000001]) expect(Object.is(bucketModulus(bits), 2 ** bits - 1)).toBe(true);
  });
});
