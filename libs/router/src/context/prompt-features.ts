import type { ChatMessage, ChatRequest } from '../../../core/src';

/**
 * Cheap features of a chat request that predict which model it needs. Everything here is a heuristic
 * over the text (regular expressions and character counts, no tokenizer, no model), so it costs a few
 * microseconds and can run on every request before the routing decision.
 */
export type TaskClass = 'code' | 'math' | 'extraction' | 'reasoning' | 'translation' | 'chit_chat' | 'creative' | 'general';
export type LengthBucket = 'short' | 'medium' | 'long' | 'very_long';
export type Script = 'latin' | 'cyrillic' | 'cjk' | 'arabic' | 'devanagari' | 'other';

export const TASK_CLASSES: readonly TaskClass[] = ['code', 'math', 'extraction', 'reasoning', 'translation', 'chit_chat', 'creative', 'general'];
export const LENGTH_BUCKETS: readonly LengthBucket[] = ['short', 'medium', 'long', 'very_long'];

export interface CallerContext {
  /** The caller's plan or tier, e.g. `free`, `pro`; part of the context key. */
  tier?: string;
  /** Free tags from the caller (not part of the key: they would multiply its cardinality). */
  tags?: readonly string[];
}

export interface PromptFeatures {
  taskClass: TaskClass;
  lengthBucket: LengthBucket;
  /** Characters of text over all messages. */
  promptChars: number;
  /** chars / 4, the usual rough token estimate. */
  approxPromptTokens: number;
  /** Number of user turns. */
  conversationDepth: number;
  toolsPresent: boolean;
  structuredOutput: boolean;
  script: Script;
  tier?: string;
  tags: readonly string[];
}

export interface PromptContext {
  features: PromptFeatures;
  /** Low-cardinality, stable key for per-context statistics, e.g. `code|long|tools`. */
  contextKey: string;
  /** Numeric features for linear models; see FEATURE_NAMES for the layout. */
  vector: Float64Array;
}

/** Layout of `PromptContext.vector`: a bias, one-hot task class, one-hot length bucket, then flags. */
export const FEATURE_NAMES: readonly string[] = [
  'bias',
  ...TASK_CLASSES.map((t) => `task:${t}`),
  ...LENGTH_BUCKETS.map((l) => `length:${l}`),
  'multi_turn',
  'tools',
  'structured_output',
  'non_latin',
];

/** Only the last part of a long conversation decides the task; the head is usually the same system prompt. */
const CLASSIFY_TAIL_CHARS = 4000;

const CODE_FENCE = /```|^\s{4,}\S.*[;{}]\s*$/m;
/**
 * Code tokens, counted as the matches of one pattern were until routing round 13b,
 *   /\b(function|...|System\.out)\b|=>|!==|===|\+\+|\bnull\b|\[\]|\{\s*\}/g,
 * in two parts: the words (CODE_TOKEN_WORDS, made of letters, `.` and `#`) and the symbols
 * (CODE_TOKEN_SYMBOLS, made of `=>!+[]{}` and white space). No match of one part can start or end inside
 * a match of the other (no character is in both sets), none is empty and no word match starts inside
 * another, so the one pattern's matches are the two parts' matches together, and its count their sum
 * (`countCodeTokens`). The symbols alone are a fast scan; the words alone cost about 80% of the whole.
 */
const CODE_TOKEN_WORDS =
  /\b(?:function|def|class|return|import|const|let|var|public|static|void|int|printf|console\.log|SELECT|FROM|WHERE|#include|lambda|async|await|struct|fn|impl|elif|println|System\.out|null)\b/g;
const CODE_TOKEN_SYMBOLS = /=>|!==|===|\+\+|\[\]|\{\s*\}/g;
const CODE_WORDS = /\b(code|program|python|javascript|typescript|java|c\+\+|rust|golang|sql|regex|compile|debug|bug|stack trace|algorithm|function|api|script|refactor)\b/i;
const MATH_SYMBOLS = /[=+\-*/^√∑∫π≤≥≠×÷]|\d/g;
const MATH_WORDS =
  /\b(solve|equation|integral|derivative|probability|calculate|compute|how many|how much|sum of|product of|prime|polynomial|matrix|theorem|prove|proof|x\^|log\b|sqrt|percent|ratio|mod\b|remainder|divisible|area|volume|expected value|variance|mean|median|find the value|what is the value)\b/i;
const EXTRACTION_WORDS =
  /\b(extract|parse|list all|pull out|find all|identify the (?:names|dates|entities)|named entities|fill in the fields|into json|as json|to json|table of|key[- ]value|summari[sz]e|summary|tl;?dr)\b/i;
const REASONING_WORDS =
  /\b(scenario|argument|premise|conclusion|therefore|logically|fallacy|infer|inference|implies|entail|valid|syllogism|morally|ethical|wrong|justify|step by step|reason(?:ing)?|explain why|which of the following (?:is|are|would|must|best)|assumption|hypothes[ie]s|contradict)\b/gi;
/** Several numbered statements or scenarios to weigh against each other, or a question by exclusion. */
const MULTI_PREMISE = /(?:^|\n)\s*(?:I{1,3}|IV)\.\s|\b(?:Statement|Scenario|Premise|Claim) [12]\b|\b(?:EXCEPT|NOT|LEAST)\b/;
const TRANSLATION_WORDS = /\b(translate|translation|in (?:english|french|german|spanish|italian|chinese|japanese|korean|russian|portuguese|arabic)|into (?:english|french|german|spanish|italian|chinese|japanese|korean|russian|portuguese|arabic))\b/i;
const CREATIVE_WORDS = /\b(write (?:a|an|me) (?:story|poem|song|essay|blog|letter|email|haiku|limerick|script)|poem|story|lyrics|creative|compose|draft (?:a|an)|slogan|tagline|brainstorm)\b/i;
const CHIT_CHAT =
  /^\s*(hi|hello|hey|yo|thanks|thank you|good (?:morning|evening|night|afternoon)|how are you|what'?s up|who are you|bye|ok(?:ay)?|lol|cool|nice)\b/i;

/**
 * Extracts the features and the context key of one chat request. Pure and allocation-light: it walks
 * the messages once to count characters and keep the text of the tail, then runs a handful of regular
 * expressions on at most CLASSIFY_TAIL_CHARS characters.
 */
export function extractPromptContext(request: ChatRequest, caller: CallerContext = {}): PromptContext {
  let promptChars = 0;
  let depth = 0;
  let lastUser = '';
  let systemText = '';
  for (const message of request.messages) {
    const text = messageText(message);
    promptChars += text.length;
    if (message.role === 'user') {
      depth++;
      lastUser = text;
    } else if (message.role === 'system' || message.role === 'developer') {
      systemText = text;
    }
  }
  const toolsPresent = (request.tools?.length ?? 0) > 0 || request.functions !== undefined;
  const format = request.response_format?.type;
  const structuredOutput = format === 'json_object' || format === 'json_schema';
  const tail = lastUser.length > CLASSIFY_TAIL_CHARS ? lastUser.slice(lastUser.length - CLASSIFY_TAIL_CHARS) : lastUser;
  const classifyText = systemText.length > 0 && tail.length < 400 ? `${systemText.slice(0, 400)}\n${tail}` : tail;
  const script = detectScript(tail);
  const features: PromptFeatures = {
    taskClass: classifyTask(classifyText, depth),
    lengthBucket: lengthBucket(promptChars),
    promptChars,
    approxPromptTokens: Math.ceil(promptChars / 4),
    conversationDepth: depth,
    toolsPresent,
    structuredOutput,
    script,
    tier: caller.tier,
    tags: caller.tags ?? [],
  };
  return new LazyPromptContext(features, contextKeyOf(features));
}

/**
 * A prompt context whose `vector` is built when first read, then kept: the same numbers as building it
 * with the rest. The gateway reads the features and the key only, and the vector (18 doubles, a typed
 * array too large for V8's heap: an ArrayBuffer allocated with malloc and freed by the collector) was
 * about 1% of a word learner's decision at 48 models (docs/benchmarks.md, routing round 15).
 * `vector` is an accessor on the prototype, not an own key: copy it by name, not by a spread.
 */
class LazyPromptContext implements PromptContext {
  #vector: Float64Array | undefined;

  constructor(
    public features: PromptFeatures,
    public contextKey: string,
  ) {}

  get vector(): Float64Array {
    if (this.#vector === undefined) this.#vector = featureVector(this.features);
    return this.#vector;
  }

  set vector(value: Float64Array) {
    this.#vector = value;
  }

  /** The plain context's keys, in its order: features, contextKey, vector. */
  toJSON(): PromptContext {
    return { features: this.features, contextKey: this.contextKey, vector: this.vector };
  }
}

/**
 * `task|length` then only the flags that are set: `code|long|tools`, `general|short|multi|json|cjk|tier=pro`.
 * At most 8 x 4 x 2^4 x scripts x tiers keys; in practice a few dozen per route.
 */
export function contextKeyOf(f: PromptFeatures): string {
  let key = `${f.taskClass}|${f.lengthBucket}`;
  if (f.conversationDepth > 1) key += '|multi';
  if (f.toolsPresent) key += '|tools';
  if (f.structuredOutput) key += '|json';
  if (f.script !== 'latin') key += `|${f.script}`;
  if (f.tier) key += `|tier=${f.tier}`;
  return key;
}

export function featureVector(f: PromptFeatures): Float64Array {
  const v = new Float64Array(FEATURE_NAMES.length);
  v[0] = 1;
  v[1 + TASK_CLASSES.indexOf(f.taskClass)] = 1;
  v[1 + TASK_CLASSES.length + LENGTH_BUCKETS.indexOf(f.lengthBucket)] = 1;
  const flags = 1 + TASK_CLASSES.length + LENGTH_BUCKETS.length;
  v[flags] = f.conversationDepth > 1 ? 1 : 0;
  v[flags + 1] = f.toolsPresent ? 1 : 0;
  v[flags + 2] = f.structuredOutput ? 1 : 0;
  v[flags + 3] = f.script !== 'latin' ? 1 : 0;
  return v;
}

export function lengthBucket(chars: number): LengthBucket {
  if (chars < 300) return 'short';
  if (chars < 1200) return 'medium';
  if (chars < 8000) return 'long';
  return 'very_long';
}

/** Ordered rules: the first that fires wins; code and math are checked on symbol density, not words alone. */
export function classifyTask(text: string, depth = 1): TaskClass {
  const length = text.length;
  if (length === 0) return 'general';
  if (TRANSLATION_WORDS.test(text)) return 'translation';
  // Counted up to what the rules below compare them with: the same class, without scanning on.
  const codeTokens = countCodeTokens(text, 3);
  if (CODE_FENCE.test(text) || codeTokens >= 3 || (codeTokens >= 1 && CODE_WORDS.test(text))) return 'code';
  const mathSymbols = countMatches(MATH_SYMBOLS, text);
  const mathDensity = mathSymbols / length;
  if (mathDensity > 0.06 || (mathSymbols >= 2 && MATH_WORDS.test(text))) return 'math';
  if (EXTRACTION_WORDS.test(text)) return 'extraction';
  if (MULTI_PREMISE.test(text) || countMatches(REASONING_WORDS, text, 2) >= 2) return 'reasoning';
  if (CREATIVE_WORDS.test(text)) return 'creative';
  if (length < 80 && depth <= 2 && CHIT_CHAT.test(text)) return 'chit_chat';
  if (CODE_WORDS.test(text)) return 'code';
  return 'general';
}

/** Script of the text by its first letters outside ASCII, sampled so a long text costs the same as a short one. */
export function detectScript(text: string): Script {
  // Without a character outside ASCII every count but latin's is 0, and latin wins (it is also the
  // answer at 0): one native scan instead of a charCodeAt per character (routing round 12).
  if (!hasNonAscii(text)) return 'latin';
  let latin = 0;
  let cyrillic = 0;
  let cjk = 0;
  let arabic = 0;
  let devanagari = 0;
  let other = 0;
  const step = text.length > 2000 ? Math.floor(text.length / 1000) : 1;
  for (let i = 0; i < text.length; i += step) {
    const c = text.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c <= 0x24f)) latin++;
    else if (c < 0x80) continue;
    else if (c >= 0x400 && c <= 0x4ff) cyrillic++;
    else if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af)) cjk++;
    else if (c >= 0x600 && c <= 0x6ff) arabic++;
    else if (c >= 0x900 && c <= 0x97f) devanagari++;
    else if (c >= 0x370 && c <= 0x3ff) other++;
  }
  // One CJK character carries about as much as a short latin word.
  const scores: [Script, number][] = [
    ['latin', latin],
    ['cyrillic', cyrillic],
    ['cjk', cjk * 3],
    ['arabic', arabic],
    ['devanagari', devanagari],
    ['other', other],
  ];
  let best: [Script, number] = ['latin', 0];
  for (const s of scores) if (s[1] > best[1]) best = s;
  return best[0];
}

/**
 * Whether a UTF-16 code unit of the text is outside ASCII, as /[^\x00-\x7f]/.test(text) (routing round
 * 12) answers, from the text's UTF-8 length: each code unit below 0x80 is one byte, any other character
 * two to four bytes per code unit or pair (a lone surrogate three), so the length in bytes equals the
 * number of code units exactly when none is outside ASCII. Node computes it natively (one call instead
 * of the regular expression's scan: about 250 instructions instead of 2,000 for 220 characters;
 * routing round 13b).
 */
function hasNonAscii(text: string): boolean {
  return Buffer.byteLength(text, 'utf8') !== text.length;
}

/** Matches of the code-token pattern (see CODE_TOKEN_WORDS) counted up to `limit`: the symbols first (a fast scan), then the words. */
function countCodeTokens(text: string, limit: number): number {
  const symbols = countMatches(CODE_TOKEN_SYMBOLS, text, limit);
  return symbols >= limit ? symbols : symbols + countMatches(CODE_TOKEN_WORDS, text, limit - symbols);
}

/**
 * Matches of a global `pattern` in `text`, counted up to `limit`. `test` moves `lastIndex` on as `exec`
 * does, without building a match array per match (routing round 13).
 */
export function countMatches(pattern: RegExp, text: string, limit = Infinity): number {
  pattern.lastIndex = 0;
  let n = 0;
  while (n < limit && pattern.test(text)) n++;
  pattern.lastIndex = 0;
  return n;
}

/** A message's text parts joined; non-text parts are skipped. */
export function messageText(message: ChatMessage): string {
  const content = message.content;
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  let text = '';
  for (const part of content) {
    if (part.type === 'text') text += part.text;
  }
  return text;
}
