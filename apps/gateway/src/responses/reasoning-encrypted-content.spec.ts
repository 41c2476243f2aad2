import { GatewayError, type ChatThinkingBlock } from '../../../../libs/core/src';
import { decodeThinkingBlocks, encodeThinkingBlocks } from './reasoning-encrypted-content';

const blocks: ChatThinkingBlock[] = [
  { type: 'thinking', thinking: 'The user wants the weather: « SF », 🌁.', signature: 'EqQBCkYIARgCKkB+sig==' },
  { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4=' },
];

function refusal(encrypted: string): { status: number; param: string | null; code: string | null } {
  try {
    decodeThinkingBlocks(encrypted, 'input[3].encrypted_content');
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    return { status: err.status, param: err.param, code: err.code };
  }
  throw new Error('expected a refusal');
}

describe('encodeThinkingBlocks / decodeThinkingBlocks', () => {
  it('gives back exactly the blocks it encoded, in their order, unicode and signatures included', () => {
    const encrypted = encodeThinkingBlocks(blocks);
    expect(encrypted).toMatch(/^bandit-router\.thinking\.v1:[A-Za-z0-9+/]+=*$/);
    expect(decodeThinkingBlocks(encrypted, 'p')).toEqual(blocks);
  });

  it('reads nothing from another server’s encrypted_content, or none', () => {
    expect(decodeThinkingBlocks('gAAAAABoF2x1-openai-fernet-token', 'p')).toBeUndefined();
    expect(decodeThinkingBlocks('', 'p')).toBeUndefined();
    expect(decodeThinkingBlocks(null, 'p')).toBeUndefined();
    expect(decodeThinkingBlocks(undefined, 'p')).toBeUndefined();
  });

  it('drops fields a block should not have: only what Anthropic takes goes on', () => {
    const extra = `bandit-router.thinking.v1:${Buffer.from(JSON.stringify([{ ...blocks[0], cache_control: { type: 'ephemeral' } }])).toString('base64')}`;
    expect(decodeThinkingBlocks(extra, 'p')).toEqual([blocks[0]]);
  });

  it.each([
    ['not base64', 'bandit-router.thinking.v1:not base64!'],
    ['not JSON', `bandit-router.thinking.v1:${Buffer.from('{oops').toString('base64')}`],
    ['no blocks', `bandit-router.thinking.v1:${Buffer.from('[]').toString('base64')}`],
    ['a block without its signature', `bandit-router.thinking.v1:${Buffer.from(JSON.stringify([{ type: 'thinking', thinking: 'x' }])).toString('base64')}`],
    ['a block of another kind', `bandit-router.thinking.v1:${Buffer.from(JSON.stringify([{ type: 'text', text: 'x' }])).toString('base64')}`],
    ['cut short', encodeThinkingBlocks(blocks).slice(0, -12)],
  ])('refuses the gateway’s own content when altered (%s), naming the param', (_, encrypted) => {
    expect(refusal(encrypted)).toEqual({ status: 400, param: 'input[3].encrypted_content', code: 'invalid_value' });
  });
});
