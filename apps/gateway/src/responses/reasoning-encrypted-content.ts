import { z } from 'zod';
import { GatewayError, type ChatThinkingBlock } from '../../../../libs/core/src';

/**
 * A reasoning item's `encrypted_content` as the gateway writes it: Claude's thinking blocks (signed
 * `thinking`, `redacted_thinking`) exactly as the chat answer carried them, as base64 of their JSON
 * after a prefix that tells the gateway's own from another server's (OpenAI's is a Fernet token).
 * It is opaque to the client, which sends it back unchanged; it is not encrypted (the readable
 * thinking is in the item's summary anyway), and Anthropic checks each block's signature.
 */
const PREFIX = 'bandit-router.thinking.v1:';

const blocksSchema = z
  .array(
    z.union([
      z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() }),
      z.object({ type: z.literal('redacted_thinking'), data: z.string() }),
    ]),
  )
  .min(1);

export function encodeThinkingBlocks(blocks: ChatThinkingBlock[]): string {
  return PREFIX + Buffer.from(JSON.stringify(blocks), 'utf8').toString('base64');
}

/**
 * The thinking blocks in an echoed `encrypted_content`: undefined when it is not the gateway's (absent,
 * or another server's, which no model here could read), a 400 naming `param` when it is the gateway's
 * but was altered.
 */
export function decodeThinkingBlocks(encrypted: string | null | undefined, param: string): ChatThinkingBlock[] | undefined {
  if (!encrypted?.startsWith(PREFIX)) return undefined;
  const payload = encrypted.slice(PREFIX.length);
  const parsed = /^[A-Za-z0-9+/]*={0,2}$/.test(payload) ? blocksSchema.safeParse(parseJson(Buffer.from(payload, 'base64').toString('utf8'))) : undefined;
  if (!parsed?.success) {
    throw GatewayError.invalidRequest(
      `Invalid value for '${param}': it is not the reasoning this gateway returned. Send the reasoning item back exactly as it came in the response's output.`,
      param,
      'invalid_value',
    );
  }
  // zod drops any other field: only what Anthropic takes goes on.
  return parsed.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
