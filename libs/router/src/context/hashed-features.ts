import { callerTags } from './caller-tags';
import { messageText } from './prompt-features';
import type { ChatRequest } from '../../../core/src';

/**
 * Sparse hashed bag-of-words of a chat request, for the hashed logistic model (`hashed-logistic.ts`).
 * Each word of 3+ characters (lower-cased ASCII letters and digits; any run of non-ASCII characters
 * counts as a word too) is hashed (FNV-1a, computed while scanning, no substring allocated) into one
 * of 2^bits buckets; bucket 0 is the bias. A few structural tokens (length bucket, multi-turn, tools,
 * structured output) are hashed the same way, and so is each of the caller's tags (`callerTags`,
 * `metadata.tags`) as TAG_TOKEN_COPIES tokens. Duplicates are removed, so the result is the set of
 * active buckets, every one with the same value 1/sqrt(count) (see `featureScale`).
 *
 * Only the tail of the last user message (and the head of the system prompt) is read, like
 * `extractPromptContext`, so the cost is bounded by HASH_TAIL_CHARS whatever the prompt size.
 */
export const DEFAULT_HASH_BITS = 12;
export const HASH_TAIL_CHARS = 4000;
const SYSTEM_HEAD_CHARS = 400;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/**
 * Buckets per caller tag: a tag is a label the developer chose for a call site, so it weighs as much
 * as this many words (its buckets' weights add up). With one bucket, a call-site split hidden behind
 * the same text was learned from a cold start in 1 of 3 runs of 600 requests; with four, in 5 of 5
 * (test/gateway/word-learner.e2e-spec.ts).
 */
export const TAG_TOKEN_COPIES = 4;
/** Copy k of a tag hashes as the token `#tag<k>:<tag>` would (FNV-1a continued from the prefix), without building it. */
const TAG_HASH_SEEDS = Array.from({ length: TAG_TOKEN_COPIES }, (_, k) => hashString(`#tag${k}:`));
/** At most this many distinct buckets per request (a long prompt's first words are enough). */
export const MAX_HASHED_FEATURES = 512;

export interface HashedFeatureOptions {
  bits?: number;
  /** The caller's tags (`callerTags`: its key's and the request's); unset: the request's `metadata.tags`. */
  tags?: readonly string[];
}

export function hashedPromptFeatures(request: ChatRequest, options: HashedFeatureOptions = {}): Int32Array {
  const bits = options.bits ?? DEFAULT_HASH_BITS;
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
    } else if (message.role === 'system' || message.role === 'developer') {
      system = text;
    }
  }
  const buffer = scratch;
  let n = 0;
  buffer[n++] = 0;
  n = hashWords(system, 0, Math.min(system.length, SYSTEM_HEAD_CHARS), bits, buffer, n);
  n = hashWords(lastUser, Math.max(0, lastUser.length - HASH_TAIL_CHARS), lastUser.length, bits, buffer, n);
  // The structural tokens `#len<k>`, `#multi`, `#tools`, `#json`, in that order, from their hashes
  // computed once (STRUCTURAL_HASHES; routing round 15).
  const lengthToken = Math.min(7, Math.max(0, Math.floor(Math.log2(Math.max(1, promptChars) / 64))));
  const modulus = bucketModulus(bits);
  if (n < MAX_HASHED_FEATURES) buffer[n++] = bucketIn(LENGTH_TOKEN_HASHES[lengthToken], modulus);
  if (depth > 1 && n < MAX_HASHED_FEATURES) buffer[n++] = bucketIn(MULTI_HASH, modulus);
  if (((request.tools?.length ?? 0) > 0 || request.functions !== undefined) && n < MAX_HASHED_FEATURES) buffer[n++] = bucketIn(TOOLS_HASH, modulus);
  const format = request.response_format?.type;
  if ((format === 'json_object' || format === 'json_schema') && n < MAX_HASHED_FEATURES) buffer[n++] = bucketIn(JSON_HASH, modulus);
  // The caller's tags (metadata.tags): tokens apart from any word of the text.
  const tags = options.tags ?? (request.metadata != null ? callerTags(request) : undefined);
  if (tags !== undefined) {
    for (const tag of tags) for (const seed of TAG_HASH_SEEDS) if (n < MAX_HASHED_FEATURES) buffer[n++] = bucketOf(hashString(tag, seed), bits);
  }
  return uniqueSorted(buffer, n);
}

/** Same as `hashedPromptFeatures` for one plain text (the bias and the words only). */
export function hashedTextFeatures(text: string, options: HashedFeatureOptions = {}): Int32Array {
  const bits = options.bits ?? DEFAULT_HASH_BITS;
  const buffer = scratch;
  let n = 0;
  buffer[n++] = 0;
  n = hashWords(text, Math.max(0, text.length - HASH_TAIL_CHARS), text.length, bits, buffer, n);
  return uniqueSorted(buffer, n);
}

/** The value of every active feature: the vector has unit norm whatever the prompt's length. */
export function featureScale(features: ArrayLike<number>): number {
  return features.length === 0 ? 0 : 1 / Math.sqrt(features.length);
}

/**
 * The words of text[from, to) hashed into `out` from `start`; returns the new count. An ASCII text (the
 * usual case) is copied into a byte scratch by one native call and hashed from there (`hashAsciiWords`):
 * for ASCII each UTF-8 byte is the UTF-16 code unit, so the same hashes, without a `charCodeAt` per
 * character (about a third of hashing's instructions, more on a concatenated string; routing round 22).
 * Any other text is hashed code unit by code unit (`hashCodeUnits`).
 */
function hashWords(text: string, from: number, to: number, bits: number, out: Int32Array, start: number): number {
  const part = from === 0 && to === text.length ? text : text.slice(from, to);
  const length = asciiBytesInto(part, ASCII_SCRATCH);
  return length >= 0 ? hashAsciiWords(ASCII_SCRATCH_BYTES, length, bits, out, start) : hashCodeUnits(text, from, to, bits, out, start);
}

/**
 * The text's UTF-8 bytes in `bytes`, and their count when every code unit is ASCII (one byte each), else
 * -1. A code unit outside ASCII takes two or more bytes (a lone surrogate three, a pair four), so the
 * count equals the text's length exactly when the text is ASCII; `bytes` holds three bytes per code
 * unit of the longest text hashed, so the write is never cut short.
 */
export function asciiBytesInto(text: string, bytes: Buffer): number {
  if (text.length * 3 > bytes.length) return -1;
  const written = bytes.write(text, 0, bytes.length, 'utf8');
  return written === text.length ? written : -1;
}

/** Bytes for the longest text `hashWords` reads (the user message's tail), three per code unit. */
const ASCII_SCRATCH = Buffer.alloc(3 * Math.max(HASH_TAIL_CHARS, SYSTEM_HEAD_CHARS));
/** The same bytes as a plain Uint8Array, for the hashing loop (one kind of array there). */
const ASCII_SCRATCH_BYTES = new Uint8Array(ASCII_SCRATCH.buffer, ASCII_SCRATCH.byteOffset, ASCII_SCRATCH.length);

/**
 * For each ASCII byte, the character a word is hashed with (letters lower-cased, digits as they are), or 0
 * for a separator: the word-character rule of `hashCodeUnits` below 0x80, one load instead of its
 * comparisons.
 */
const ASCII_WORD_CHAR = (() => {
  const table = new Uint8Array(128);
  for (let c = 48; c <= 57; c++) table[c] = c;
  for (let c = 97; c <= 122; c++) table[c] = c;
  for (let c = 65; c <= 90; c++) table[c] = c + 32;
  return table;
})();

/**
 * `hashCodeUnits` on bytes[0, length), every byte ASCII: the same buckets in the same order. A word's
 * characters in an inner loop of their own, the hash kept as a signed 32-bit integer (the same bits as
 * `hashCodeUnits`' unsigned one: `Math.imul` reads both as 32 bits) so that it is never a double.
 */
function hashAsciiWords(bytes: Uint8Array, length: number, bits: number, out: Int32Array, start: number): number {
  const modulus = bucketModulus(bits);
  const table = ASCII_WORD_CHAR;
  const capacity = out.length;
  let n = start;
  let i = 0;
  while (i < length && n < capacity) {
    let c = table[bytes[i++]];
    if (c === 0) continue;
    let hash = FNV_OFFSET_INT32;
    let wordLength = 0;
    do {
      hash = Math.imul(hash ^ c, FNV_PRIME);
      wordLength++;
      c = i < length ? table[bytes[i++]] : 0;
    } while (c !== 0);
    if (wordLength >= 3) out[n++] = bucketIn(hash >>> 0, modulus);
  }
  return n;
}

const FNV_OFFSET_INT32 = FNV_OFFSET | 0;

function hashCodeUnits(text: string, from: number, to: number, bits: number, out: Int32Array, start: number): number {
  const modulus = bucketModulus(bits);
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
    if (length >= 3 || (nonAscii && length > 0)) out[n++] = bucketIn(hash >>> 0, modulus);
    hash = FNV_OFFSET;
    length = 0;
    nonAscii = false;
  }
  return n;
}

function hashString(s: string, seed = FNV_OFFSET): number {
  let hash = seed;
  for (let i = 0; i < s.length; i++) hash = Math.imul(hash ^ s.charCodeAt(i), FNV_PRIME);
  return hash >>> 0;
}

/** Buckets 1 .. 2^bits - 1 (0 is the bias). */
function bucketOf(hash: number, bits: number): number {
  return bucketIn(hash, bucketModulus(bits));
}

/**
 * 2^bits - 1. `2 ** bits` is a call to V8's pow (about 300 instructions, twice per request);
 * for an integer 0 <= bits <= 30 a shift gives the same number (routing round 15).
 */
export function bucketModulus(bits: number): number {
  return bits >= 0 && bits <= 30 && (bits | 0) === bits ? (1 << bits) - 1 : 2 ** bits - 1;
}

/** The structural tokens' FNV-1a hashes: `#len0` .. `#len7` by index, then the flags. */
const LENGTH_TOKEN_HASHES = Array.from({ length: 8 }, (_, k) => hashString(`#len${k}`));
const MULTI_HASH = hashString('#multi');
const TOOLS_HASH = hashString('#tools');
const JSON_HASH = hashString('#json');

/**
 * 1 + hash % modulus, for a hash in 0 .. 2^32 - 1. Computed as hash - floor(hash / modulus) x modulus,
 * which is exact: the quotient's rounding error (below 2^-21) is smaller than the distance from a
 * non-integer quotient to the next integer (at least 1 / modulus), and the rest is integer arithmetic
 * below 2^53. `%` on a number above 2^31 is a call to fmod, 5-10 times slower.
 */
function bucketIn(hash: number, modulus: number): number {
  return 1 + (hash - Math.floor(hash / modulus) * modulus);
}

/**
 * The buckets of the request being hashed, reused across calls (hashing never yields, so one is
 * enough): a fresh 2 KiB typed array per request is an ArrayBuffer allocation outside the heap, which
 * made the p99 of hashing ten times its median. The result is a copy of the used part.
 */
const scratch = new Int32Array(MAX_HASHED_FEATURES);

function uniqueSorted(buffer: Int32Array, n: number): Int32Array {
  if (n <= INSERTION_SORT_MAX) insertionSort(buffer, n);
  else buffer.subarray(0, n).sort();
  let k = 0;
  for (let i = 0; i < n; i++) if (i === 0 || buffer[i] !== buffer[i - 1]) buffer[k++] = buffer[i];
  return buffer.slice(0, k);
}

/** Up to this many buckets an insertion sort in place beats the typed array's sort (a copy and a merge sort). */
const INSERTION_SORT_MAX = 96;

function insertionSort(values: Int32Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = values[i];
    let j = i - 1;
    while (j >= 0 && values[j] > v) {
      values[j + 1] = values[j];
      j--;
    }
    values[j + 1] = v;
  }
}
