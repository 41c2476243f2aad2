import type { ScoringInput } from '../scoring-input';
import { runConfiguredValidator } from './configured-validators';

function refused(content: string, refusal: string | null = null): boolean {
  const input: ScoringInput = { request: {}, response: { content, refusal, toolCalls: [], finishReason: 'stop' } };
  return !runConfiguredValidator({ type: 'refusal' }, input).passed;
}

describe('the refusal validator', () => {
  it.each([
    "I'm sorry, but I can't help with that.",
    'I’m sorry, but I can’t help with that.',
    'I can’t assist with that request.',
    'I cannot comply with this.',
    'I am unable to help with that.',
    'I’m not able to assist with requests like this.',
    'Sorry. I won’t be able to do this one.',
    'I’m afraid I cannot do that.',
    'I must decline this request.',
    'As an AI language model, I do not have opinions.',
  ])('flags %j', (text) => {
    expect(refused(text)).toBe(true);
  });

  it.each([
    'Sure, here it is.',
    "I can't help but notice the loop never ends; here is a fix.",
    'I can’t help but think the second option is faster.',
    'The function cannot help you if the input is empty.',
    "Here is the answer. Note that I'm sorry to say the API is slow.",
  ])('passes %j', (text) => {
    expect(refused(text)).toBe(false);
  });

  it("flags the provider's own refusal field whatever the text", () => {
    expect(refused('', 'I cannot help with that.')).toBe(true);
  });

  it('reads only the opening of a long answer', () => {
    expect(refused(`${'Step one. '.repeat(60)}I cannot help with the rest.`)).toBe(false);
  });
});
