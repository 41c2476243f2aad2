import { REASONING_SUMMARY, type ChatRequest, type ChatRequestMarks } from '../../core/src';
import { applyParamRules, ignoredParams } from './apply-param-rules';

const base: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
// OpenAI's reasoning models (the catalog's o4-mini).
const reasoning = { drop: ['temperature', 'top_p', 'presence_penalty', 'logprobs'] as const, rename: { max_tokens: 'max_completion_tokens' as const } };

describe('applyParamRules', () => {
  it('leaves out what the model refuses and names each in ignored', () => {
    const { request, ignored } = applyParamRules({ ...base, temperature: 0.2, top_p: 0.9, seed: 3 }, { drop: [...reasoning.drop], rename: {} });
    expect(request).toEqual({ ...base, seed: 3 });
    expect(ignored).toEqual(['temperature', 'top_p']);
  });

  it('moves a parameter to the name the model takes; a value under that name already wins', () => {
    expect(applyParamRules({ ...base, max_tokens: 50 }, { drop: [], rename: reasoning.rename }).request).toEqual({ ...base, max_completion_tokens: 50 });
    expect(applyParamRules({ ...base, max_tokens: 50, max_completion_tokens: 80 }, { drop: [], rename: reasoning.rename }).request).toEqual({ ...base, max_completion_tokens: 80 });
    expect(applyParamRules({ ...base, max_tokens: 50 }, { drop: [], rename: reasoning.rename }).ignored).toEqual([]);
  });

  it("a model that refuses reasoning_effort gets no Responses request's ask for a reasoning summary either", () => {
    const asked: ChatRequest & ChatRequestMarks = { ...base, reasoning_effort: 'low', [REASONING_SUMMARY]: true };
    const cannotThink = applyParamRules(asked, { drop: ['reasoning_effort'], rename: {} });
    expect((cannotThink.request as ChatRequestMarks)[REASONING_SUMMARY]).toBeUndefined();
    expect(cannotThink.request).toEqual(base);
    expect(cannotThink.ignored).toEqual(['reasoning_effort']);
    expect(asked[REASONING_SUMMARY]).toBe(true); // the request itself is not changed
    const thinks = applyParamRules(asked, { drop: ['temperature'], rename: {} });
    expect((thinks.request as ChatRequestMarks)[REASONING_SUMMARY]).toBe(true);
  });

  it('leaves out a parameter sent as null without naming it ignored, and moves no null', () => {
    const { request, ignored } = applyParamRules({ ...base, temperature: null, max_tokens: null }, { drop: [...reasoning.drop], rename: reasoning.rename });
    expect(request).toEqual(base);
    expect(ignored).toEqual([]);
  });

  it('ignoredParams names what applyParamRules leaves out, without copying the request', () => {
    const given = { ...base, temperature: 0.2, top_p: null, logprobs: true, seed: 1 };
    const rules = { drop: [...reasoning.drop], rename: reasoning.rename };
    expect(ignoredParams(given, rules)).toEqual(['temperature', 'logprobs']);
    expect(ignoredParams(given, rules)).toEqual(applyParamRules(given, rules).ignored);
    expect(ignoredParams(given, undefined)).toEqual([]);
  });

  it('does not change the request it is given, and returns it as is when no rule applies', () => {
    const given = { ...base, temperature: 0.2, max_tokens: 10 };
    const copy = structuredClone(given);
    applyParamRules(given, { drop: [...reasoning.drop], rename: reasoning.rename });
    expect(given).toEqual(copy);
    expect(applyParamRules(given, undefined).request).toBe(given);
    expect(applyParamRules(base, { drop: [...reasoning.drop], rename: reasoning.rename }).request).toBe(base);
  });
});
