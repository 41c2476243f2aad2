import { convertJsonSchemaToGemini, isEmptyObjectSchema } from './convert-json-schema-to-gemini';

describe('convertJsonSchemaToGemini', () => {
  it('strips keywords Gemini rejects and keeps the rest', () => {
    expect(
      convertJsonSchemaToGemini(
        {
          $schema: 'http://json-schema.org/draft-07/schema#',
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { type: 'string', description: 'Full name', minLength: 1 },
            email: { type: 'string', format: 'email' },
            born: { type: 'string', format: 'date-time' },
            tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, maxItems: 3 },
            age: { type: ['integer', 'null'], minimum: 0 },
          },
          required: ['name'],
        },
        'p',
      ),
    ).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', description: 'Full name', minLength: 1 },
        email: { type: 'string' },
        born: { type: 'string', format: 'date-time' },
        tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, maxItems: 3 },
        age: { type: 'integer', nullable: true, minimum: 0 },
      },
      required: ['name'],
    });
  });

  it('inlines local $refs, maps const, oneOf and nullable unions', () => {
    expect(
      convertJsonSchemaToGemini(
        {
          type: 'object',
          $defs: { Point: { type: 'object', properties: { x: { type: 'number' } } } },
          properties: {
            at: { $ref: '#/$defs/Point' },
            kind: { const: 'point' },
            value: { oneOf: [{ type: 'string' }, { type: 'number' }] },
            maybe: { anyOf: [{ type: 'string' }, { type: 'null' }] },
          },
        },
        'p',
      ),
    ).toEqual({
      type: 'object',
      properties: {
        at: { type: 'object', properties: { x: { type: 'number' } } },
        kind: { type: 'string', enum: ['point'] },
        value: { anyOf: [{ type: 'string' }, { type: 'number' }] },
        maybe: { type: 'string', nullable: true },
      },
    });
  });

  it('refuses recursive and unresolvable references', () => {
    const recursive = { type: 'object', $defs: { Node: { type: 'object', properties: { next: { $ref: '#/$defs/Node' } } } }, properties: { root: { $ref: '#/$defs/Node' } } };
    expect(() => convertJsonSchemaToGemini(recursive, 'tools[0]')).toThrow(expect.objectContaining({ status: 400, param: 'tools[0]' }));
    expect(() => convertJsonSchemaToGemini({ $ref: 'https://x/schema.json' }, 'p')).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('detects empty object schemas', () => {
    expect(isEmptyObjectSchema(undefined)).toBe(true);
    expect(isEmptyObjectSchema({ type: 'object', properties: {} })).toBe(true);
    expect(isEmptyObjectSchema({ type: 'object', properties: { a: { type: 'string' } } })).toBe(false);
  });
});
