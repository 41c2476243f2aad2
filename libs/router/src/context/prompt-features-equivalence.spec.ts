import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../../core/src';
import { classifyTask, detectScript, type TaskClass } from './prompt-features';
import { SAMPLE_PROMPTS } from '../spec-fixtures';

/**
 * Routing round 13b counts the code tokens with two patterns instead of one and tells ASCII-only text
 * by its UTF-8 length instead of a regular expression. These are the functions as they were before
 * (round 13), compared with the current ones on random texts built from the patterns' own words and
 * symbols, on the scale bench's prompts and on real prompts (RouteLLM's MT-Bench, GSM8K and MMLU files,
 * when /work/shared/datasets is there): the same class and the same script for each.
 */
const OLD_CODE_FENCE = /```|^\s{4,}\S.*[;{}]\s*$/m;
const OLD_CODE_TOKENS =
  /\b(function|def|class|return|import|const|let|var|public|static|void|int|printf|console\.log|SELECT|FROM|WHERE|#include|lambda|async|await|struct|fn|impl|elif|println|System\.out)\b|=>|!==|===|\+\+|\bnull\b|\[\]|\{\s*\}/g;
const OLD_CODE_WORDS = /\b(code|program|python|javascript|typescript|java|c\+\+|rust|golang|sql|regex|compile|debug|bug|stack trace|algorithm|function|api|script|refactor)\b/i;
const OLD_MATH_SYMBOLS = /[=+\-*/^√∑∫π≤≥≠×÷]|\d/g;
const OLD_MATH_WORDS =
  /\b(solve|equation|integral|derivative|probability|calculate|compute|how many|how much|sum of|product of|prime|polynomial|matrix|theorem|prove|proof|x\^|log\b|sqrt|percent|ratio|mod\b|remainder|divisible|area|volume|expected value|variance|mean|median|find the value|what is the value)\b/i;
const OLD_EXTRACTION_WORDS =
  /\b(extract|parse|list all|pull out|find all|identify the (?:names|dates|entities)|named entities|fill in the fields|into json|as json|to json|table of|key[- ]value|summari[sz]e|summary|tl;?dr)\b/i;
const OLD_REASONING_WORDS =
  /\b(scenario|argument|premise|conclusion|therefore|logically|fallacy|infer|inference|implies|entail|valid|syllogism|morally|ethical|wrong|justify|step by step|reason(?:ing)?|explain why|which of the following (?:is|are|would|must|best)|assumption|hypothes[ie]s|contradict)\b/gi;
const OLD_MULTI_PREMISE = /(?:^|\n)\s*(?:I{1,3}|IV)\.\s|\b(?:Statement|Scenario|Premise|Claim) [12]\b|\b(?:EXCEPT|NOT|LEAST)\b/;
const OLD_TRANSLATION_WORDS =
  /\b(translate|translation|in (?:english|french|german|spanish|italian|chinese|japanese|korean|russian|portuguese|arabic)|into (?:english|french|german|spanish|italian|chinese|japanese|korean|russian|portuguese|arabic))\b/i;
const OLD_CREATIVE_WORDS =
  /\b(write (?:a|an|me) (?:story|poem|song|essay|blog|letter|email|haiku|limerick|script)|poem|story|lyrics|creative|compose|draft (?:a|an)|slogan|tagline|brainstorm)\b/i;
const OLD_CHIT_CHAT =
  /^\s*(hi|hello|hey|yo|thanks|thank you|good (?:morning|evening|night|afternoon)|how are you|what'?s up|who are you|bye|ok(?:ay)?|lol|cool|nice)\b/i;
const OLD_NON_ASCII = /[^\x00-\x7f]/;

function oldCountMatches(pattern: RegExp, text: string, limit = Infinity): number {
  pattern.lastIndex = 0;
  let n = 0;
  while (n < limit && pattern.test(text)) n++;
  pattern.lastIndex = 0;
  return n;
}

function oldClassifyTask(text: string, depth = 1): TaskClass {
  const length = text.length;
  if (length === 0) return 'general';
  if (OLD_TRANSLATION_WORDS.test(text)) return 'translation';
  const codeTokens = oldCountMatches(OLD_CODE_TOKENS, text, 3);
  if (OLD_CODE_FENCE.test(text) || codeTokens >= 3 || (codeTokens >= 1 && OLD_CODE_WORDS.test(text))) return 'code';
  const mathSymbols = oldCountMatches(OLD_MATH_SYMBOLS, text);
  const mathDensity = mathSymbols / length;
  if (mathDensity > 0.06 || (mathSymbols >= 2 && OLD_MATH_WORDS.test(text))) return 'math';
  if (OLD_EXTRACTION_WORDS.test(text)) return 'extraction';
  if (OLD_MULTI_PREMISE.test(text) || oldCountMatches(OLD_REASONING_WORDS, text, 2) >= 2) return 'reasoning';
  if (OLD_CREATIVE_WORDS.test(text)) return 'creative';
  if (length < 80 && depth <= 2 && OLD_CHIT_CHAT.test(text)) return 'chit_chat';
  if (OLD_CODE_WORDS.test(text)) return 'code';
  return 'general';
}

function oldDetectScript(text: string): string {
  if (!OLD_NON_ASCII.test(text)) return 'latin';
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
  const scores: [string, number][] = [
    ['latin', latin],
    ['cyrillic', cyrillic],
    ['cjk', cjk * 3],
    ['arabic', arabic],
    ['devanagari', devanagari],
    ['other', other],
  ];
  let best: [string, number] = ['latin', 0];
  for (const s of scores) if (s[1] > best[1]) best = s;
  return best[0];
}

/** The old code-token count itself, for the part the classes may not show. */
function oldCodeTokens(text: string): number {
  return oldCountMatches(OLD_CODE_TOKENS, text);
}

const CODE_PIECES = [
  'function', 'def', 'class', 'return', 'import', 'const', 'let', 'var', 'public', 'static', 'void', 'int', 'printf', 'console.log', 'console',
  '.log', 'SELECT', 'FROM', 'WHERE', '#include', 'include', '#', 'lambda', 'async', 'await', 'struct', 'fn', 'impl', 'elif', 'println',
  'System.out', 'System', 'null', 'nullable', 'Null', 'NULL', 'fnord', 'integer', 'classes', '_const', 'const_', 'def2', '=>', '!==', '===',
  '==', '=', '!=', '!', '>', '+', '++', '+++', '[]', '[', ']', '{}', '{ }', '{\n\t}', '{', '}', '=>>', '!===', '====', ';', '```', '    ',
];
const WORD_PIECES = [
  'translate', 'in english', 'into french', 'code', 'python', 'c++', 'stack trace', 'solve', 'how many', 'x^', 'log', 'mod', 'sum of',
  'extract', 'identify the names', 'tl;dr', 'tldr', 'key-value', 'summarise', 'therefore', 'step by step', 'reasoning', 'which of the following is',
  'I.', 'II.', 'IV.', 'Statement 1', 'Scenario 2', 'EXCEPT', 'NOT', 'LEAST', 'write a poem', 'draft an', 'story', 'hi', 'hello', 'thanks',
  "what's up", 'okay', 'the', 'a', 'of', 'DNA', 'Enzyme', '17', '8601', '3.14', '√', '∑', 'π', '≤', '×', '÷', '-', '*', '/', '^', '%',
  'café', 'función', 'Привет', '東京', 'مرحبا', 'नमस्ते', 'Ωμέγα', '\u{1F600}', '\ud800', '\udc00', 'ſ', '\u212a', 'İ', '\u00a0', '\u2028',
];
const SEPARATORS = [' ', '  ', ', ', '.', '\n', '\n    ', '-', '_', '/', '', '\t', '!?', '(', ')', '"', "'", ':', '\r\n'];

function randomText(random: () => number, words: number): string {
  const codeShare = random();
  let text = '';
  for (let k = 0; k < words; k++) {
    const pool = random() < codeShare ? CODE_PIECES : WORD_PIECES;
    let piece = pool[Math.floor(random() * pool.length)];
    if (random() < 0.1) piece = piece.toUpperCase();
    text += piece + SEPARATORS[Math.floor(random() * SEPARATORS.length)];
  }
  return text;
}

/** Real prompts, when the datasets are on this machine (each file's first 400 texts). */
function realTexts(): string[] {
  const root = process.env.ROUTING_DATASETS ?? '/work/shared/datasets';
  const dir = join(root, 'routellm-evals');
  if (!existsSync(dir)) return [];
  const texts: string[] = [];
  const jsonl = (path: string, pick: (row: Record<string, unknown>) => string[]) => {
    if (!existsSync(path)) return;
    for (const line of readFileSync(path, 'utf8').split('\n').slice(0, 400)) if (line.trim()) texts.push(...pick(JSON.parse(line) as Record<string, unknown>));
  };
  jsonl(join(dir, 'mt_bench/question.jsonl'), (row) => row.turns as string[]);
  jsonl(join(dir, 'gsm8k/test.jsonl'), (row) => [row.question as string, row.answer as string]);
  const mmlu = join(dir, 'mmlu');
  if (existsSync(mmlu)) {
    for (const file of readdirSync(mmlu).filter((f) => f.endsWith('.csv')).slice(0, 20)) {
      // Whole CSV records are close enough to prompts here (quotes and commas included).
      for (const record of readFileSync(join(mmlu, file), 'utf8').split(/\n(?=")/).slice(1, 100)) texts.push(record);
    }
  }
  return texts;
}

const SCALE_PROMPTS = SAMPLE_PROMPTS;

describe('the prompt context as before round 13b', () => {
  const check = (text: string) => {
    for (const depth of [1, 3]) expect(classifyTask(text, depth)).toBe(oldClassifyTask(text, depth));
    expect(detectScript(text)).toBe(oldDetectScript(text));
  };

  it('random texts of code tokens, class words, symbols and scripts: the same class and script', () => {
    const random = seededRandom(13);
    let code = 0;
    for (let c = 0; c < 5000; c++) {
      const long = random() < 0.05;
      const text = randomText(random, long ? 300 + Math.floor(random() * 900) : Math.floor(random() * 40));
      check(text);
      if (oldClassifyTask(text) === 'code') code++;
    }
    // The texts reach the code rule often, on both sides of its thresholds.
    expect(code).toBeGreaterThan(500);
    expect(code).toBeLessThan(4500);
  });

  it("the code-token count split in two is the one pattern's count", () => {
    const random = seededRandom(131);
    const words = /\b(?:function|def|class|return|import|const|let|var|public|static|void|int|printf|console\.log|SELECT|FROM|WHERE|#include|lambda|async|await|struct|fn|impl|elif|println|System\.out|null)\b/g;
    const symbols = /=>|!==|===|\+\+|\[\]|\{\s*\}/g;
    for (let c = 0; c < 5000; c++) {
      const text = randomText(random, Math.floor(random() * 60));
      expect(oldCountMatches(words, text) + oldCountMatches(symbols, text)).toBe(oldCodeTokens(text));
    }
  });

  it("the scale bench's prompts and real prompts: the same class and script", () => {
    for (const prompt of SCALE_PROMPTS) for (let k = 0; k < 40; k++) check(prompt + ' ' + 'context '.repeat(k));
    const texts = realTexts();
    for (const text of texts) {
      check(text);
      check(text.slice(Math.max(0, text.length - 4000)));
    }
  });

  it('edge cases', () => {
    for (const text of ['', ' ', 'a', '\u0080', '\u007f', '\u00ff', '\ud800', '\ud83d\ude00', '{}', '{ \n }', '=>', 'null', 'x++', '#include', 'a#include', '```']) check(text);
  });
});
