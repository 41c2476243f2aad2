import { planJsonSchemaAnswer, takesOutputFormat } from './plan-json-schema-answer';

describe('takesOutputFormat', () => {
  it.each([
    ['claude-3-7-sonnet-20250219', false],
    ['claude-3-5-haiku-20241022', false],
    ['claude-sonnet-4-20250514', false],
    ['claude-opus-4-1', false],
    ['claude-sonnet-4-5', true],
    ['claude-haiku-4-5-20251001', true],
    ['claude-opus-4-5-20251101', true],
    ['anthropic.claude-sonnet-4-6', true],
    ['claude-opus-5-5', true],
    ['claude-sonnet-5-5', true],
    ['claude-mythos-preview', true],
  ])('%s: %s', (model, takes) => {
    expect(takesOutputFormat(model)).toBe(takes);
  });
});

describe('planJsonSchemaAnswer', () => {
  const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
  const map = { type: 'object', additionalProperties: { type: 'string' } };
  const ask = (s: Record<string, unknown>) => ({ response_format: { type: 'json_schema' as const, json_schema: { name: 'answer', schema: s } } });

  it('is nothing without a json_schema response format', () => {
    expect(planJsonSchemaAnswer({ response_format: { type: 'json_object' } }, { model: 'claude-opus-5-5' }, false)).toBeUndefined();
    expect(planJsonSchemaAnswer({}, { model: 'claude-opus-5-5' }, false)).toBeUndefined();
  });

  it('is native on Claude 4.5 and later, the tool before', () => {
    expect(planJsonSchemaAnswer(ask(schema), { model: 'claude-opus-5-5', mode: 'always' }, false)).toEqual({ kind: 'native', schema });
    expect(planJsonSchemaAnswer(ask(schema), { model: 'claude-sonnet-4-20250514', mode: 'off' }, false)).toEqual({ kind: 'tool' });
  });

  it('is the tool after a prefill', () => {
    expect(planJsonSchemaAnswer(ask(schema), { model: 'claude-haiku-4-5-20251001', mode: 'off' }, true)).toEqual({ kind: 'tool' });
  });

  it('is the tool for a schema outside the subset, unless the model always thinks: then a 400 on response_format', () => {
    expect(planJsonSchemaAnswer(ask(map), { model: 'claude-haiku-5-5', mode: 'off' }, false)).toEqual({ kind: 'tool' });
    expect(() => planJsonSchemaAnswer(ask(map), { model: 'claude-sonnet-5-5', mode: 'always' }, false)).toThrow(expect.objectContaining({ status: 400, param: 'response_format' }));
  });
});
