import { convertJsonSchemaToAnthropic, MAX_OPTIONAL_PROPERTIES, MAX_UNION_PROPERTIES } from './convert-json-schema-to-anthropic';

const refusal = (why: string) => expect.objectContaining({ status: 400, param: 'response_format', code: 'unsupported_parameter', message: expect.stringContaining(why) });

describe('convertJsonSchemaToAnthropic', () => {
  it('keeps a schema already in the subset as it is', () => {
    const schema = {
      type: 'object',
      description: 'A city',
      properties: {
        name: { type: 'string', pattern: '^[A-Z][a-z]+$' },
        founded: { type: 'string', format: 'date' },
        kind: { enum: ['capital', 'town'] },
        mayor: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
      },
      required: ['name', 'kind'],
      additionalProperties: false,
    };
    expect(convertJsonSchemaToAnthropic(schema)).toEqual(schema);
  });

  it('closes every object (additionalProperties: false), unset or true, nested and in $defs', () => {
    expect(
      convertJsonSchemaToAnthropic({
        type: 'object',
        properties: { home: { type: 'object', properties: { city: { type: 'string' } }, additionalProperties: true }, list: { type: 'array', items: { $ref: '#/$defs/item' } } },
        $defs: { item: { type: 'object', properties: { id: { type: 'integer' } } } },
      }),
    ).toEqual({
      type: 'object',
      $defs: { item: { type: 'object', properties: { id: { type: 'integer' } }, additionalProperties: false } },
      properties: {
        home: { type: 'object', properties: { city: { type: 'string' } }, additionalProperties: false },
        list: { type: 'array', items: { $ref: '#/$defs/item' } },
      },
      additionalProperties: false,
    });
  });

  it('keeps the $defs of a root that is a $ref', () => {
    const schema = { $ref: '#/$defs/city', $defs: { city: { type: 'object', properties: { name: { type: 'string' } } } } };
    expect(convertJsonSchemaToAnthropic(schema)).toEqual({
      $ref: '#/$defs/city',
      $defs: { city: { type: 'object', properties: { name: { type: 'string' } }, additionalProperties: false } },
    });
  });

  it('takes a root without a type as an object, oneOf as anyOf, nullable as a null type, and leaves $schema out', () => {
    expect(
      convertJsonSchemaToAnthropic({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        properties: { n: { type: 'integer', nullable: true }, v: { oneOf: [{ type: 'string' }, { type: 'number' }] }, c: { const: 'x', type: 'string' } },
        required: ['n'],
      }),
    ).toEqual({
      type: 'object',
      properties: { n: { type: ['integer', 'null'] }, v: { anyOf: [{ type: 'string' }, { type: 'number' }] }, c: { const: 'x' } },
      required: ['n'],
      additionalProperties: false,
    });
  });

  it('writes the constraints it cannot enforce into the description', () => {
    const out = convertJsonSchemaToAnthropic({
      type: 'object',
      properties: {
        age: { type: 'integer', description: 'Years', minimum: 0, maximum: 150 },
        code: { type: 'string', maxLength: 3, format: 'iso-4217', pattern: '^(a)\\1$' },
        items: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 5 },
      },
      additionalProperties: false,
    }) as { properties: Record<string, Record<string, unknown>> };
    expect(out.properties.age).toEqual({ type: 'integer', description: 'Years\n\nMust also satisfy these JSON Schema keywords: {"minimum":0,"maximum":150}' });
    expect(out.properties.code).toEqual({ type: 'string', description: 'Must also satisfy these JSON Schema keywords: {"maxLength":3,"format":"iso-4217","pattern":"^(a)\\\\1$"}' });
    expect(out.properties.items).toEqual({ type: 'array', items: { type: 'string' }, description: 'Must also satisfy these JSON Schema keywords: {"minItems":2,"maxItems":5}' });
  });

  it('refuses what it cannot say: maps, free-form objects, recursion, foreign refs, untyped values, a non-object root', () => {
    const object = (properties: Record<string, unknown>) => ({ type: 'object', properties, additionalProperties: false });
    expect(() => convertJsonSchemaToAnthropic({ type: 'object', additionalProperties: { type: 'number' } })).toThrow(refusal('is a map'));
    expect(() => convertJsonSchemaToAnthropic(object({ m: { type: 'object', patternProperties: { '^x': { type: 'string' } } } }))).toThrow(refusal('patternProperties'));
    expect(() => convertJsonSchemaToAnthropic(object({ any: { type: 'object' } }))).toThrow(refusal('#/properties/any is a free-form object'));
    expect(() => convertJsonSchemaToAnthropic({})).toThrow(refusal('free-form object'));
    const tree = { ...object({ root: { $ref: '#/$defs/node' } }), $defs: { node: object({ children: { type: 'array', items: { $ref: '#/$defs/node' } } }) } };
    expect(() => convertJsonSchemaToAnthropic(tree)).toThrow(refusal('recursive (#/$defs/node refers to itself)'));
    const unused = { ...object({ a: { type: 'string' } }), definitions: { loop: { $ref: '#/definitions/loop' } } };
    expect(() => convertJsonSchemaToAnthropic(unused)).toThrow(refusal('recursive'));
    expect(() => convertJsonSchemaToAnthropic(object({ a: { $ref: 'https://example.com/a.json' } }))).toThrow(refusal('only local #/$defs'));
    expect(() => convertJsonSchemaToAnthropic(object({ a: { $ref: '#/$defs/missing' } }))).toThrow(refusal('#/$defs/missing'));
    expect(() => convertJsonSchemaToAnthropic(object({ a: {} }))).toThrow(refusal('#/properties/a has no type'));
    expect(() => convertJsonSchemaToAnthropic({ type: 'array', items: { type: 'string' } })).toThrow(refusal('root of the schema must be an object'));
    expect(() => convertJsonSchemaToAnthropic(object({ t: { type: 'array', items: [{ type: 'string' }] } }))).toThrow(refusal('tuple'));
  });

  it(`refuses more than ${MAX_OPTIONAL_PROPERTIES} optional or ${MAX_UNION_PROPERTIES} union properties`, () => {
    const many = (n: number, value: unknown) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, value]));
    const names = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`);
    expect(() => convertJsonSchemaToAnthropic({ type: 'object', properties: many(MAX_OPTIONAL_PROPERTIES, { type: 'string' }) })).not.toThrow();
    expect(() => convertJsonSchemaToAnthropic({ type: 'object', properties: many(MAX_OPTIONAL_PROPERTIES + 1, { type: 'string' }) })).toThrow(refusal('25 optional properties'));
    const unions = (n: number) => ({ type: 'object', properties: many(n, { type: ['string', 'null'] }), required: names(n) });
    expect(() => convertJsonSchemaToAnthropic(unions(MAX_UNION_PROPERTIES))).not.toThrow();
    expect(() => convertJsonSchemaToAnthropic(unions(MAX_UNION_PROPERTIES + 1))).toThrow(refusal('17 union-typed properties'));
  });
});
