import { convertTextFormat } from './convert-text-format';

describe('convertTextFormat', () => {
  it('needs no response_format for plain text, and keeps json_object', () => {
    expect(convertTextFormat({ type: 'text' })).toBeUndefined();
    expect(convertTextFormat({ type: 'json_object' })).toEqual({ type: 'json_object' });
  });

  it("nests a JSON schema's flat fields under json_schema, as chat's response_format has them", () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    expect(convertTextFormat({ type: 'json_schema', name: 'city', schema, strict: true, description: 'A city' })).toEqual({
      type: 'json_schema',
      json_schema: { name: 'city', schema, strict: true, description: 'A city' },
    });
    expect(convertTextFormat({ type: 'json_schema', name: 'city', schema, strict: null })).toEqual({ type: 'json_schema', json_schema: { name: 'city', schema } });
  });
});
