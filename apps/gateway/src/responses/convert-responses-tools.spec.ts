import { convertResponsesTools, convertToolChoice } from './convert-responses-tools';

describe('convertResponsesTools', () => {
  it("nests Responses' flat function tool under `function`, leaving out what was not given", () => {
    expect(
      convertResponsesTools([
        { type: 'function', name: 'get_weather', description: 'Weather now', parameters: { type: 'object' }, strict: true },
        { type: 'function', name: 'now', parameters: null, strict: null },
      ]),
    ).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object' }, strict: true } },
      { type: 'function', function: { name: 'now' } },
    ]);
  });
});

describe('convertToolChoice', () => {
  it('keeps the modes and nests a named function or an allowed-tools list', () => {
    expect(convertToolChoice('required')).toBe('required');
    expect(convertToolChoice({ type: 'function', name: 'get_weather' })).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(convertToolChoice({ type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'a' }] })).toEqual({
      type: 'allowed_tools',
      allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'a' } }] },
    });
  });
});
