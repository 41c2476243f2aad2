import { claudeThinkingForm } from './claude-thinking-form';

describe('claudeThinkingForm', () => {
  it.each([
    ['claude-3-7-sonnet-20250219', 'budget', false],
    ['claude-sonnet-4-20250514', 'budget', false],
    ['claude-opus-4-1', 'budget', false],
    ['claude-haiku-4-5-20251001', 'budget', false],
    ['claude-sonnet-4-5', 'budget', false],
    ['claude-sonnet-4-6', 'adaptive', false],
    ['anthropic.claude-opus-4-6-v1', 'adaptive', false],
    ['claude-opus-4-7', 'adaptive', true],
    ['claude-sonnet-5', 'adaptive', true],
    ['claude-haiku-5-5', 'adaptive', true],
    ['claude-opus-5-5', 'adaptive', true],
    ['claude-mythos-preview', 'adaptive', true],
  ] as const)('%s: %s, xhigh %s (thinking omitted unless asked for as well)', (model, form, xhigh) => {
    expect(claudeThinkingForm(model)).toEqual({ form, xhigh, omitsThinking: xhigh });
  });
});
