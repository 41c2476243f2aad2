import type { ModelSpec } from '../../../config/src';
import { estimatePromptTokens } from '../../../providers/src/catalog/estimate-prompt-tokens';
import { judgeWorstCaseUsd } from './call-judge-model';
import { buildJudgeRequest } from './judge-prompt';

const model: ModelSpec = { id: 'grader', providerId: 'p', upstream: 'grader-up', inputPer1M: 2, outputPer1M: 1000, contextWindow: 100_000, timeouts: {} };
const request = buildJudgeRequest({ conversation: [{ role: 'user', text: 'Capital of France?' }], answer: 'Paris.', truncated: false }, { maxTokens: 256 });
/** The prompt as the gateway estimates one: messages (about four characters per token) and the response format's schema. */
const schemaTokens = Math.ceil(JSON.stringify(request.response_format).length / 4);
const promptTokens = estimatePromptTokens(request, 'estimate') + schemaTokens;

describe('judgeWorstCaseUsd', () => {
  it("prices the judge's prompt at the input price and its max_tokens at the output price", () => {
    expect(promptTokens).toBeGreaterThan(100);
    expect(judgeWorstCaseUsd(model, request)).toBeCloseTo((promptTokens * 2 + 256 * 1000) / 1e6, 12);
  });

  it("lowers max_tokens to what the model writes at most, and scales the estimate by the model's token scale", () => {
    expect(judgeWorstCaseUsd({ ...model, maxOutputTokens: 100 }, request)).toBeCloseTo((promptTokens * 2 + 100 * 1000) / 1e6, 12);
    // As the gateway scales a request's estimate (promptTokensFor): the whole prompt, schema included.
    const scaledTokens = Math.ceil(promptTokens * 1.5);
    expect(judgeWorstCaseUsd({ ...model, outputPer1M: 0, tokenScale: 1.5 }, request)).toBeCloseTo((scaledTokens * 2) / 1e6, 12);
  });
});
