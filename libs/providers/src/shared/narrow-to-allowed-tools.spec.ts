import type { ChatTool } from '../../../core/src';
import { allowedToolNames, narrowToAllowedTools } from './narrow-to-allowed-tools';

const fn = (name: string): ChatTool => ({ type: 'function', function: { name, parameters: { type: 'object' } } });
const custom = (name: string): ChatTool => ({ type: 'custom', custom: { name } });
const allow = (mode: 'auto' | 'required', ...refs: Array<Record<string, unknown>>) => ({ type: 'allowed_tools' as const, allowed_tools: { mode, tools: refs } });

describe('narrowToAllowedTools', () => {
  const tools = [fn('get_weather'), fn('get_time'), custom('get_time'), fn('send_mail')];

  it('offers only the allowed tools, and the choice becomes the mode', () => {
    const request = { tools, tool_choice: allow('required', { type: 'function', function: { name: 'send_mail' } }, { type: 'function', function: { name: 'get_time' } }) };
    expect(narrowToAllowedTools(request)).toEqual({ tools: [fn('get_time'), fn('send_mail')], tool_choice: 'required' });
    expect(narrowToAllowedTools({ tools, tool_choice: allow('auto', { type: 'custom', custom: { name: 'get_time' } }) })).toEqual({ tools: [custom('get_time')], tool_choice: 'auto' });
  });

  it('keeps the other fields and leaves any other choice as it is (the same object)', () => {
    const request = { model: 'm', tools, tool_choice: allow('auto', { type: 'function', function: { name: 'get_weather' } }) };
    expect(narrowToAllowedTools(request)).toMatchObject({ model: 'm', tools: [fn('get_weather')] });
    for (const choice of ['auto', 'required', 'none', { type: 'function' as const, function: { name: 'get_time' } }, undefined] as const) {
      const other = { tools, tool_choice: choice };
      expect(narrowToAllowedTools(other)).toBe(other);
    }
  });
});

describe('allowedToolNames', () => {
  it('names the allowed functions, custom ones apart', () => {
    const choice = allow('auto', { type: 'function', function: { name: 'a' } }, { type: 'custom', custom: { name: 'b' } }, { type: 'function', function: { name: 'c' } });
    expect(allowedToolNames(choice, 'function')).toEqual(['a', 'c']);
    expect(allowedToolNames(choice, 'custom')).toEqual(['b']);
  });
});
