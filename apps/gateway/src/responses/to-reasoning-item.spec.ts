import { decodeThinkingBlocks } from './reasoning-encrypted-content';
import { summaryRequested, toReasoningItem } from './to-reasoning-item';

describe('toReasoningItem', () => {
  it('gives the readable text as one summary part and the blocks as encrypted_content', () => {
    const blocks = [{ type: 'thinking' as const, thinking: 'Hmm.', signature: 'sig' }];
    const item = toReasoningItem('rs_abc_0', 'Hmm.', blocks);
    expect(item).toEqual({ type: 'reasoning', id: 'rs_abc_0', summary: [{ type: 'summary_text', text: 'Hmm.' }], encrypted_content: expect.any(String) });
    expect(decodeThinkingBlocks(item.encrypted_content, 'p')).toEqual(blocks);
  });

  it('has an empty summary without text, and no encrypted_content without blocks', () => {
    expect(toReasoningItem('rs_1', '', [{ type: 'redacted_thinking', data: 'x' }]).summary).toEqual([]);
    expect(toReasoningItem('rs_1', 'Hmm.', undefined)).toEqual({ type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Hmm.' }] });
    expect(toReasoningItem('rs_1', 'Hmm.', [])).not.toHaveProperty('encrypted_content');
  });

  it('knows whether the request asked for a summary: reasoning.summary, or its deprecated generate_summary', () => {
    expect([undefined, null, {}, { effort: 'low' as const }, { summary: null }, { summary: 'auto' as const }, { summary: 'concise' as const }, { generate_summary: 'detailed' as const }].map((reasoning) => summaryRequested({ reasoning }))).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      true,
    ]);
  });
});
