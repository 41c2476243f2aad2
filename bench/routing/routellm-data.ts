import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatRequest } from '../../libs/core/src';
import { parseCsvRecords } from './csv';

export const WEAK = 'mixtral-8x7b-instruct';
export const STRONG = 'gpt-4-1106-preview';
const WEAK_COLUMN = 'mistralai/Mixtral-8x7B-Instruct-v0.1';
const STRONG_COLUMN = 'gpt-4-1106-preview';

/** List prices per token at the time of the RouteLLM evals (USD per 1M tokens / 1e6). */
export const PRICES = {
  [STRONG]: { input: 10 / 1e6, output: 30 / 1e6 },
  [WEAK]: { input: 0.6 / 1e6, output: 0.6 / 1e6 },
} as const;

/** One recorded question: the request the router sees and each model's recorded reward and output size. */
export interface ReplayItem {
  request: ChatRequest;
  promptTokens: number;
  reward: Record<string, number>;
  outputTokens: Record<string, number>;
}

export interface ReplayDataset {
  name: string;
  items: ReplayItem[];
  /** Mean quality unit for reports (accuracy or MT-Bench score). */
  qualityOf: (reward: number) => number;
}

const approxTokens = (text: string) => Math.ceil(text.length / 4);
const user = (content: string): ChatRequest => ({ model: 'router', messages: [{ role: 'user', content }] });

/** MMLU answers are a letter: a few output tokens, the same for both models. */
const MMLU_OUTPUT_TOKENS = 3;
/** MT-Bench answers are not in the judgement files; a typical long-form answer. */
const MT_BENCH_OUTPUT_TOKENS = 400;

export function loadMmlu(root: string): ReplayDataset {
  const dir = join(root, 'mmlu');
  const items: ReplayItem[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv')).sort()) {
    for (const r of parseCsvRecords(readFileSync(join(dir, file), 'utf8'))) {
      items.push({
        request: user(r.prompt),
        promptTokens: approxTokens(r.prompt),
        reward: { [WEAK]: r[WEAK_COLUMN] === 'True' ? 1 : 0, [STRONG]: r[STRONG_COLUMN] === 'True' ? 1 : 0 },
        outputTokens: { [WEAK]: MMLU_OUTPUT_TOKENS, [STRONG]: MMLU_OUTPUT_TOKENS },
      });
    }
  }
  return { name: 'MMLU', items, qualityOf: (r) => r };
}

export function loadGsm8k(root: string): ReplayDataset {
  const records = parseCsvRecords(readFileSync(join(root, 'gsm8k', 'gsm8k_responses.csv'), 'utf8'));
  const items = records.map((r) => ({
    request: user(r.prompt),
    promptTokens: approxTokens(r.prompt),
    reward: { [WEAK]: r[WEAK_COLUMN] === 'True' ? 1 : 0, [STRONG]: r[STRONG_COLUMN] === 'True' ? 1 : 0 },
    outputTokens: { [WEAK]: approxTokens(r[`${WEAK_COLUMN}_response`]), [STRONG]: approxTokens(r[`${STRONG_COLUMN}_response`]) },
  }));
  return { name: 'GSM8K', items, qualityOf: (r) => r };
}

interface MtQuestion {
  question_id: number;
  turns: string[];
}
interface MtJudgement {
  question_id: number;
  model: string;
  turn: number;
  score: number;
}

/** Reward = GPT-4 judge score scaled to 0..1; reported quality is back on the 1-10 scale. */
export function loadMtBench(root: string): ReplayDataset {
  const lines = (file: string) =>
    readFileSync(join(root, 'mt_bench', file), 'utf8')
      .split('\n')
      .filter((l) => l.trim().length > 0);
  const questions = new Map<number, MtQuestion>();
  for (const l of lines('question.jsonl')) {
    const q = JSON.parse(l) as MtQuestion;
    questions.set(q.question_id, q);
  }
  const scores = new Map<string, number>();
  for (const l of lines('judgements.jsonl')) {
    const j = JSON.parse(l) as MtJudgement;
    const model = j.model === STRONG_COLUMN ? STRONG : j.model === WEAK_COLUMN ? WEAK : undefined;
    if (model && j.score >= 1) scores.set(`${j.question_id}/${j.turn}/${model}`, j.score);
  }
  const items: ReplayItem[] = [];
  const previousAnswer = 'x'.repeat(MT_BENCH_OUTPUT_TOKENS * 4);
  for (const q of questions.values()) {
    for (const turn of [1, 2]) {
      const weak = scores.get(`${q.question_id}/${turn}/${WEAK}`);
      const strong = scores.get(`${q.question_id}/${turn}/${STRONG}`);
      if (weak === undefined || strong === undefined) continue;
      const request: ChatRequest =
        turn === 1
          ? user(q.turns[0])
          : {
              model: 'router',
              messages: [
                { role: 'user', content: q.turns[0] },
                { role: 'assistant', content: previousAnswer },
                { role: 'user', content: q.turns[1] },
              ],
            };
      const promptText = turn === 1 ? q.turns[0] : q.turns[0] + previousAnswer + q.turns[1];
      items.push({
        request,
        promptTokens: approxTokens(promptText),
        reward: { [WEAK]: (weak - 1) / 9, [STRONG]: (strong - 1) / 9 },
        outputTokens: { [WEAK]: MT_BENCH_OUTPUT_TOKENS, [STRONG]: MT_BENCH_OUTPUT_TOKENS },
      });
    }
  }
  return { name: 'MT-Bench', items, qualityOf: (r) => 1 + 9 * r };
}

export function costOf(item: ReplayItem, model: string): number {
  const price = model === STRONG ? PRICES[STRONG] : PRICES[WEAK];
  return item.promptTokens * price.input + item.outputTokens[model] * price.output;
}
