import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { estimatePromptTokens, IMAGE_TOKENS, LOW_DETAIL_IMAGE_TOKENS, REPLY_PRIMING_TOKENS, TOKENS_PER_MESSAGE, TOKENS_PER_TOOL } from './estimate-prompt-tokens';

describe('estimatePromptTokens', () => {
  it('loads gpt-tokenizer under CommonJS and counts o200k tokens exactly', () => {
    expect(countTokens('hello world')).toBe(2);
    const text = 'The quick brown fox jumps over the lazy dog.';
    expect(estimatePromptTokens({ messages: [{ role: 'user', content: text }] }, 'o200k_base')).toBe(
      REPLY_PRIMING_TOKENS + TOKENS_PER_MESSAGE + countTokens('user') + countTokens(text),
    );
  });

  it('follows the OpenAI cookbook accounting for a simple chat', () => {
    // Per OpenAI's cookbook accounting: 3 per message + role + content, plus 3 for the reply.
    const n = estimatePromptTokens(
      {
        messages: [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: 'Hello!' },
        ],
      },
      'o200k_base',
    );
    expect(n).toBe(3 + (3 + 1 + 6) + (3 + 1 + 2));
  });

  it('estimates other families at four characters per token', () => {
    expect(estimatePromptTokens({ messages: [{ role: 'user', content: 'x'.repeat(40) }] }, 'estimate')).toBe(REPLY_PRIMING_TOKENS + TOKENS_PER_MESSAGE + 1 + 10);
  });

  it('counts images, tool calls and tool definitions', () => {
    const tool = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
    const base = estimatePromptTokens({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }, 'estimate');
    const withImages = estimatePromptTokens(
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'hi' },
              { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } },
              { type: 'image_url', image_url: { url: 'https://x/z.png' } },
            ],
          },
        ],
      },
      'estimate',
    );
    expect(withImages - base).toBe(LOW_DETAIL_IMAGE_TOKENS + IMAGE_TOKENS);
    const withTools = estimatePromptTokens({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], tools: [tool] }, 'o200k_base');
    const withoutTools = estimatePromptTokens({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }, 'o200k_base');
    expect(withTools - withoutTools).toBe(TOKENS_PER_TOOL + countTokens(JSON.stringify(tool.function)));
    const call = estimatePromptTokens(
      { messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }] },
      'o200k_base',
    );
    expect(call).toBe(REPLY_PRIMING_TOKENS + TOKENS_PER_MESSAGE + countTokens('assistant') + countTokens('get_weather') + countTokens('{"city":"Paris"}'));
  });
});
