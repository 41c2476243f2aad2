import { combineReward, scoreResponse } from './score-response';
import type { ScoringInput } from './scoring-input';

const answer = (content: string | null, extra: Partial<ScoringInput['response']> = {}, request: ScoringInput['request'] = {}): ScoringInput => ({
  request,
  response: { content, toolCalls: [], finishReason: 'stop', ...extra },
});

const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };

describe('scoreResponse', () => {
  it('passes a plain non-empty answer', () => {
    expect(scoreResponse(answer('Hello'), [])).toEqual({
      reward: 1,
      results: [
        { validator: 'non_empty', passed: true, detail: undefined },
        { validator: 'truncation', passed: true, detail: undefined },
      ],
    });
  });

  it('fails empty and truncated answers', () => {
    expect(scoreResponse(answer('  '), []).reward).toBe(0);
    expect(scoreResponse(answer('Hello', { finishReason: 'length' }), []).reward).toBe(0);
  });

  it('checks JSON validity and schema conformance when response_format asks for it', () => {
    const jsonSchema = { responseFormat: { type: 'json_schema' as const, schema } };
    expect(scoreResponse(answer('{"city":"Paris"}', {}, jsonSchema), []).reward).toBe(1);
    const wrong = scoreResponse(answer('{"town":"Paris"}', {}, jsonSchema), []);
    expect(wrong.reward).toBe(0);
    expect(wrong.results.find((r) => r.validator === 'json_schema')?.detail).toMatch(/city/);
    expect(scoreResponse(answer('not json', {}, { responseFormat: { type: 'json_object' } }), []).reward).toBe(0);
    expect(scoreResponse(answer('{"a":1}', {}, { responseFormat: { type: 'json_object' } }), []).reward).toBe(1);
  });

  it('checks tool-call arguments against the tool parameters', () => {
    const request = { tools: [{ name: 'weather', parameters: schema }] };
    const call = (args: string, name = 'weather') => answer(null, { toolCalls: [{ name, arguments: args }], finishReason: 'tool_calls' }, request);
    expect(scoreResponse(call('{"city":"Oslo"}'), []).reward).toBe(1);
    expect(scoreResponse(call('{"city":3}'), []).reward).toBe(0);
    expect(scoreResponse(call('{"city":'), []).reward).toBe(0);
    expect(scoreResponse(call('{}', 'missing'), []).results.at(-1)?.detail).toBe('unknown tool "missing"');
  });

  it('scores custom tool calls: free-text input, not JSON; the name must be a declared custom tool', () => {
    const request: ScoringInput['request'] = { tools: [{ name: 'weather', parameters: schema }, { type: 'custom', name: 'run_sql' }] };
    const custom = (name: string, input: string) => answer(null, { toolCalls: [{ type: 'custom', name, input }], finishReason: 'tool_calls' }, request);
    expect(scoreResponse(custom('run_sql', 'SELECT count(*) FROM users'), [])).toEqual({
      reward: 1,
      results: [
        { validator: 'non_empty', passed: true, detail: undefined },
        { validator: 'truncation', passed: true, detail: undefined },
        { validator: 'tool_arguments', passed: true },
      ],
    });
    expect(scoreResponse(custom('weather', 'Oslo'), []).results.at(-1)?.detail).toBe('unknown custom tool "weather"');
    // a function call to a custom tool's name is no better
    const asFunction = answer(null, { toolCalls: [{ name: 'run_sql', arguments: '{}' }], finishReason: 'tool_calls' }, request);
    expect(scoreResponse(asFunction, []).results.at(-1)?.detail).toBe('unknown tool "run_sql"');
    // mixed with a function call, each is checked its own way
    const both = answer(null, { toolCalls: [{ type: 'custom', name: 'run_sql', input: 'not json {' }, { name: 'weather', arguments: '{"city":"Oslo"}' }], finishReason: 'tool_calls' }, request);
    expect(scoreResponse(both, []).reward).toBe(1);
  });

  it('applies configured regex, contains, max_length and refusal validators', () => {
    expect(scoreResponse(answer('Order #123 shipped'), [{ type: 'regex', pattern: '#\\d+', expect: 'match' }]).reward).toBe(1);
    expect(scoreResponse(answer('no order'), [{ type: 'regex', pattern: '#\\d+', expect: 'match' }]).reward).toBe(0);
    expect(scoreResponse(answer('Thanks!'), [{ type: 'contains', text: 'thanks', case_sensitive: false, expect: 'present' }]).reward).toBe(1);
    expect(scoreResponse(answer('Thanks!'), [{ type: 'contains', text: 'thanks', case_sensitive: true, expect: 'present' }]).reward).toBe(0);
    expect(scoreResponse(answer('abcdef'), [{ type: 'max_length', chars: 3 }]).reward).toBe(0);
    expect(scoreResponse(answer("I'm sorry, but I can't help with that."), [{ type: 'refusal' }]).reward).toBe(0);
    expect(scoreResponse(answer('Sure, here it is.'), [{ type: 'refusal' }]).reward).toBe(1);
  });
});

describe('combineReward', () => {
  it('uses validators alone without feedback and averages with feedback', () => {
    expect(combineReward(1, null)).toBe(1);
    expect(combineReward(1, 0)).toBe(0.5);
    expect(combineReward(0, 1)).toBe(0.5);
    expect(combineReward(1, 1)).toBe(1);
  });

  it("weighs feedback by the route's feedback_weight", () => {
    expect(combineReward(1, 0, 1)).toBe(0);
    expect(combineReward(0, 1, 1)).toBe(1);
    expect(combineReward(1, 0, 0)).toBe(1);
    expect(combineReward(1, 0, 0.25)).toBeCloseTo(0.75, 12);
    expect(combineReward(1, null, 1)).toBe(1);
  });
});
