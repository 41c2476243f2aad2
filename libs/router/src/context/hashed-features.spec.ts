import type { ChatRequest } from '../../../core/src';
import { asciiBytesInto, bucketModulus, featureScale, hashedPromptFeatures, hashedTextFeatures, TAG_TOKEN_COPIES } from './hashed-features';

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

describe('asciiBytesInto', () => {
  const bytes = Buffer.alloc(60);

  it("gives an ASCII text's length, its bytes written", () => {
    expect(asciiBytesInto('Hello, World! 42', bytes)).toBe(16);
    expect(bytes.subarray(0, 16).toString('latin1')).toBe('Hello, World! 42');
    expect(asciiBytesInto('', bytes)).toBe(0);
    expect(asciiBytesInto('\x00\x7f'.repeat(10), bytes)).toBe(20);
  });

  it('gives -1 for any code unit outside ASCII: two-byte, three-byte, a surrogate pair, a lone surrogate', () => {
    for (const text of ['café', 'naïve text', '東京', 'x😀', 'a\ud800b', 'b\udc00', '\x80']) expect(asciiBytesInto(text, bytes)).toBe(-1);
  });

  it('gives -1 when the bytes could not hold three per code unit (so a cut write cannot pass for ASCII)', () => {
    expect(asciiBytesInto('a'.repeat(20), bytes)).toBe(20);
    expect(asciiBytesInto('a'.repeat(21), bytes)).toBe(-1);
    // 'é' + 18 ASCII: 20 bytes for 19 code units would fill a 20-byte buffer cut after 19 of them.
    expect(asciiBytesInto(`é${'a'.repeat(18)}`, Buffer.alloc(20))).toBe(-1);
  });
});

describe('hashedTextFeatures on ASCII and non-ASCII texts', () => {
  it('hashes the ASCII words of a text the same whether or not a non-ASCII character elsewhere sends it down the code-unit path', () => {
    const ascii = hashedTextFeatures('Parse the ISO date; return WEEKDAY 2024 ok');
    const mixed = hashedTextFeatures('Parse the ISO date; return WEEKDAY 2024 ok é');
    const e = hashedTextFeatures('é');
    expect(new Set([...ascii, ...e])).toEqual(new Set(mixed));
  });
});
