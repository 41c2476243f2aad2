import { parse as parseYaml } from 'yaml';
import { validatorConfigSchema } from '../../../libs/config/src';
import { scoreResponse } from '../../../libs/scoring/src';
import type { ReplayItem } from '../routellm-data';
import { buildAnswerBook, lookUpAnswer, oracleAnswer, VERDICT_VALIDATOR_YAML } from './answer-oracle';

const item = (prompt: string, strong: number, weak: number): ReplayItem => ({
  request: { model: 'router', messages: [{ role: 'user', content: prompt }] },
  promptTokens: Math.ceil(prompt.length / 4),
  reward: { strong, weak },
  outputTokens: { strong: 3, weak: 3 },
});

/** The validator the e2e route is configured with, parsed by the config schema and run as the worker runs it. */
const verdictValidator = validatorConfigSchema.parse(parseYaml(VERDICT_VALIDATOR_YAML));
const rewardOf = (content: string) =>
  scoreResponse({ request: {}, response: { content, refusal: null, toolCalls: [], finishReason: 'stop' } }, [verdictValidator]).reward;

describe('answer oracle', () => {
  it('answers each model with its recorded verdict, which the route validator turns back into the recorded reward', () => {
    const book = buildAnswerBook([item('Q1\nA. x\nAnswer:', 1, 0)]);
    const strong = lookUpAnswer(book, 'Q1\nA. x\nAnswer:', 'strong');
    const weak = lookUpAnswer(book, 'Q1\nA. x\nAnswer:', 'weak');
    expect(strong && rewardOf(strong.content)).toBe(1);
    expect(weak && rewardOf(weak.content)).toBe(0);
    expect(rewardOf(oracleAnswer(true))).toBe(1);
    expect(rewardOf(oracleAnswer(false))).toBe(0);
  });

  it('reports the recorded token counts as usage', () => {
    const book = buildAnswerBook([item('x'.repeat(40), 1, 1)]);
    expect(lookUpAnswer(book, 'x'.repeat(40), 'weak')).toMatchObject({ promptTokens: 10, completionTokens: 3 });
  });

  it('knows nothing of an unknown prompt or model', () => {
    const book = buildAnswerBook([item('Q1', 1, 0)]);
    expect(lookUpAnswer(book, 'Q2', 'strong')).toBeUndefined();
    expect(lookUpAnswer(book, 'Q1', 'other')).toBeUndefined();
  });

  it('leaves out a prompt recorded twice with different outcomes, keeps one recorded twice alike', () => {
    const book = buildAnswerBook([item('same', 1, 0), item('same', 1, 0), item('clash', 1, 0), item('clash', 0, 0), item('clash', 1, 0)]);
    expect(book.byPrompt.has('same')).toBe(true);
    expect(book.byPrompt.has('clash')).toBe(false);
    expect([...book.ambiguous]).toEqual(['clash']);
  });
});
