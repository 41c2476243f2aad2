import type { ChatRequest } from '../../../core/src';
import { seededRandom } from '../../../core/src';
import { hashedPromptFeatures, hashedTextFeatures } from './hashed-features';
import { detectScript, messageText } from './prompt-features';

/**
 * Routing round 12 let detectScript answer ASCII-only text without a loop (and tried, then left out, a
 * word-by-word hashing loop and removing repeats before the sort: the same buckets and fewer
 * instructions, but V8 compiled them slowly in about half of the fresh processes). These are the
 * functions as they were before, compared with the current ones on random texts (ASCII and not, upper
 * case, long ones that reach the 512-bucket bound, several messages, tools and formats, bits 4-16), so
 * a later change to either is checked against them.
 */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function oldHashWords(text: string, from: number, to: number, bits: number, out: Int32Array, start: number): number {
  const modulus = 2 ** bits - 1;
  let n = start;
  let hash = FNV_OFFSET;
  let length = 0;
  let nonAscii = false;
  for (let i = from; i <= to && n < out.length; i++) {
    let c = i < to ? text.charCodeAt(i) : 32;
    if (c >= 65 && c <= 90) c += 32;
    const wordChar = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c >= 0x80;
    if (wordChar) {
      hash = Math.imul(hash ^ c, FNV_PRIME);
      length++;
      if (c >= 0x80) nonAscii = true;
      continue;
    }
    if (length >= 3 || (nonAscii && length > 0)) out[n++] = 1 + ((hash >>> 0) % modulus);
    hash = FNV_OFFSET;
    length = 0;
    nonAscii = false;
  }
  return n;
}

function oldHashString(s: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) hash = Math.imul(hash ^ s.charCodeAt(i), FNV_PRIME);
  return hash >>> 0;
}

function oldUniqueSorted(buffer: Int32Array, n: number): number[] {
  const sorted = Array.from(buffer.subarray(0, n)).sort((a, b) => a - b);
  return sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
}

function oldPromptFeatures(request: ChatRequest, bits: number): number[] {
  let lastUser = '';
  let system = '';
  let promptChars = 0;
  let depth = 0;
  for (const message of request.messages) {
    const text = messageText(message);
    promptChars += text.length;
    if (message.role === 'user') {
      depth++;
      lastUser = text;
    } else if (message.role === 'system' || message.role === 'developer') system = text;
  }
  const buffer = new Int32Array(512);
  let n = 0;
  buffer[n++] = 0;
  n = oldHashWords(system, 0, Math.min(system.length, 400), bits, buffer, n);
  n = oldHashWords(lastUser, Math.max(0, lastUser.length - 4000), lastUser.length, bits, buffer, n);
  const structural = [`#len${Math.min(7, Math.max(0, Math.floor(Math.log2(Math.max(1, promptChars) / 64))))}`];
  if (depth > 1) structural.push('#multi');
  if ((request.tools?.length ?? 0) > 0 || request.functions !== undefined) structural.push('#tools');
  const format = request.response_format?.type;
  if (format === 'json_object' || format === 'json_schema') structural.push('#json');
  for (const token of structural) if (n < 512) buffer[n++] = 1 + (oldHashString(token) % (2 ** bits - 1));
  return oldUniqueSorted(buffer, n);
}

function oldDetectScript(text: string): string {
  const counts = { latin: 0, cyrillic: 0, cjk: 0, arabic: 0, devanagari: 0, other: 0 };
  const step = text.length > 2000 ? Math.floor(text.length / 1000) : 1;
  for (let i = 0; i < text.length; i += step) {
    const c = text.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c <= 0x24f)) counts.latin++;
    else if (c < 0x80) continue;
    else if (c >= 0x400 && c <= 0x4ff) counts.cyrillic++;
    else if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af)) counts.cjk++;
    else if (c >= 0x600 && c <= 0x6ff) counts.arabic++;
    else if (c >= 0x900 && c <= 0x97f) counts.devanagari++;
    else if (c >= 0x370 && c <= 0x3ff) counts.other++;
  }
  const scores: [string, number][] = Object.entries({ ...counts, cjk: counts.cjk * 3 });
  let best: [string, number] = ['latin', 0];
  for (const s of scores) if (s[1] > best[1]) best = s;
  return best[0];
}

const PIECES = ['the', 'a', 'of', 'Enzyme', 'DNA', 'helix', 'x', 'ab', 'abc', 'CODE', 'función', 'café', 'Привет', 'мир', '東京', 'مرحبا', 'नमस्ते', 'Ωμέγα', '8601', '42', '\u{1F600}', '\ud800'];
const SEPARATORS = [' ', '  ', ', ', '.', '\n', '-', '_', '/', '', '\t', '!?'];

function randomText(random: () => number, words: number, asciiOnly: boolean): string {
  let text = '';
  for (let k = 0; k < words; k++) {
    const pool = asciiOnly ? PIECES.slice(0, 11).concat(['8601', '42']) : PIECES;
    text += pool[Math.floor(random() * pool.length)] + SEPARATORS[Math.floor(random() * SEPARATORS.length)];
  }
  return text;
}

describe('hashed features and the script as before round 12', () => {
  const random = seededRandom(12);

  it('hashedPromptFeatures and hashedTextFeatures: the same buckets', () => {
    for (let c = 0; c < 3000; c++) {
      const bits = 4 + Math.floor(random() * 13);
      const long = random() < 0.1;
      const ascii = random() < 0.5;
      const words = long ? 400 + Math.floor(random() * 1200) : Math.floor(random() * 60);
      const messages: ChatRequest['messages'] = [];
      if (random() < 0.3) messages.push({ role: random() < 0.5 ? 'system' : 'developer', content: randomText(random, Math.floor(random() * 150), ascii) });
      const turns = 1 + Math.floor(random() * 3);
      for (let t = 0; t < turns; t++) {
        messages.push({ role: 'user', content: random() < 0.1 ? [{ type: 'text', text: randomText(random, words, ascii) }] : randomText(random, words, ascii) });
        if (t < turns - 1) messages.push({ role: 'assistant', content: 'Sure.' });
      }
      const request: ChatRequest = {
        model: 'm',
        messages,
        ...(random() < 0.2 ? { tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] } : {}),
        ...(random() < 0.2 ? { response_format: { type: random() < 0.5 ? ('json_object' as const) : ('text' as const) } } : {}),
      } as ChatRequest;
      expect(Array.from(hashedPromptFeatures(request, { bits }))).toEqual(oldPromptFeatures(request, bits));
      const text = randomText(random, words, ascii);
      const buffer = new Int32Array(512);
      const n = oldHashWords(text, Math.max(0, text.length - 4000), text.length, bits, buffer, 1);
      expect(Array.from(hashedTextFeatures(text, { bits }))).toEqual(oldUniqueSorted(buffer, n));
    }
  });

  it('detectScript: the same script', () => {
    for (let c = 0; c < 3000; c++) {
      const long = random() < 0.1;
      const text = randomText(random, long ? 400 + Math.floor(random() * 800) : Math.floor(random() * 40), random() < 0.5);
      expect(detectScript(text)).toBe(oldDetectScript(text));
    }
    expect(detectScript('')).toBe('latin');
    expect(detectScript('1234 !!')).toBe('latin');
  });
});
