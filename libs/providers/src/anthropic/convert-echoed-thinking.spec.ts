import { GatewayError, type ChatMessage } from '../../../core/src';
import { convertEchoedThinking } from './convert-echoed-thinking';

const assistant = (fields: Record<string, unknown>): ChatMessage => ({ role: 'assistant', content: null, ...fields }) as ChatMessage;

describe('convertEchoedThinking', () => {
  it('sends thinking_blocks back as Anthropic blocks, in order, unmodified', () => {
    const blocks = [
      { type: 'redacted_thinking', data: 'EmwKAhgB' },
      { type: 'thinking', thinking: 'The user wants the weather.', signature: 'sig-1' },
    ];
    expect(convertEchoedThinking(assistant({ thinking_blocks: blocks, reasoning_content: 'The user wants the weather.' }), 'messages[1]')).toEqual(blocks);
  });

  it('drops fields Anthropic does not take from a block', () => {
    expect(convertEchoedThinking(assistant({ thinking_blocks: [{ type: 'thinking', thinking: 't', signature: 's', cache_control: null }] }), 'messages[1]')).toEqual([
      { type: 'thinking', thinking: 't', signature: 's' },
    ]);
  });

  it('refuses a malformed block with a 400 naming it', () => {
    const err = (() => {
      try {
        convertEchoedThinking(assistant({ thinking_blocks: [{ type: 'thinking', thinking: 't' }] }), 'messages[3]');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ status: 400, param: 'messages[3].thinking_blocks[0]' });
    expect(() => convertEchoedThinking(assistant({ thinking_blocks: 'x' }), 'messages[3]')).toThrow(GatewayError);
  });

  it("takes OpenRouter's reasoning_details when there are no thinking_blocks, leaving out what Anthropic cannot check", () => {
    const details = [
      { type: 'reasoning.summary', summary: 'short' },
      { type: 'reasoning.text', text: 'unsigned', format: 'unknown' },
      { type: 'reasoning.text', text: 'signed', signature: 'sig', format: 'anthropic-claude-v1', index: 0 },
      { type: 'reasoning.encrypted', data: 'opaque', index: 1 },
    ];
    expect(convertEchoedThinking(assistant({ reasoning_details: details }), 'messages[1]')).toEqual([
      { type: 'thinking', thinking: 'signed', signature: 'sig' },
      { type: 'redacted_thinking', data: 'opaque' },
    ]);
  });

  it('is empty for a message without thinking', () => {
    expect(convertEchoedThinking(assistant({}), 'messages[1]')).toEqual([]);
    expect(convertEchoedThinking({ role: 'assistant', content: 'Hi', thinking_blocks: null } as unknown as ChatMessage, 'messages[1]')).toEqual([]);
  });
});
