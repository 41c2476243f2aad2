import type { ChatRequest } from '../../../core/src';
import type { CatalogModel } from './model-catalog';

export type TokenizerName = CatalogModel['tokenizer'];

/** OpenAI's chat format wraps every message in a few tokens, and primes the reply with three more. */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMING_TOKENS = 3;
/** Per tool definition, on top of its JSON: the wrapper OpenAI puts around function specs (approximate). */
export const TOKENS_PER_TOOL = 8;
/** OpenAI bills a low-detail image 85 tokens; a high/auto-detail image depends on its size, which we
 * do not decode: 765 is a 1024x1024 image (85 + 4 tiles x 170). Used for every provider. */
export const LOW_DETAIL_IMAGE_TOKENS = 85;
export const IMAGE_TOKENS = 765;
/** The usual rule of thumb for English text with BPE tokenizers: about four characters per token. */
export const CHARS_PER_TOKEN = 4;

type O200k = typeof import('gpt-tokenizer/encoding/o200k_base');
let o200k: O200k | undefined;

/**
 * Loads a tokenizer's tables (o200k_base: about 15 MB of heap, 55 MB of RSS, 0.1-0.2 s). Done on first
 * use, so a gateway whose models all count by estimate never holds them (a smaller heap is also a
 * shorter full GC); the gateway calls it at startup when a configured model needs it, so no request
 * pays the load.
 */
export function loadTokenizer(name: TokenizerName): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (name === 'o200k_base') o200k ??= require('gpt-tokenizer/encoding/o200k_base') as O200k;
}

function countO200k(text: string): number {
  if (!text) return 0;
  loadTokenizer('o200k_base');
  return o200k!.countTokens(text);
}

/**
 * Estimates the prompt tokens of a request before sending it (for budgets and context-window checks).
 * With `o200k_base` (OpenAI's GPT-4o / 4.1 / o-series encoding) text is counted exactly with
 * gpt-tokenizer; with `estimate` (other families, whose tokenizers are not public or not bundled) text
 * counts as ceil(chars / 4). Either way the result adds the per-message overhead, message names, tool
 * definitions (their JSON plus a small wrapper), images at a fixed cost, and inline files/audio by size.
 * It is an estimate: the upstream's `usage` is the truth.
 */
export function estimatePromptTokens(request: Pick<ChatRequest, 'messages' | 'tools'>, tokenizer: TokenizerName): number {
  const count = tokenizer === 'o200k_base' ? countO200k : (text: string) => Math.ceil(text.length / CHARS_PER_TOKEN);
  let total = REPLY_PRIMING_TOKENS;
  for (const message of request.messages) {
    total += TOKENS_PER_MESSAGE + count(message.role);
    if ('name' in message && message.name) total += TOKENS_PER_NAME + count(message.name);
    const content = message.content;
    if (typeof content === 'string') total += count(content);
    else if (Array.isArray(content)) {
      for (const part of content) {
        switch (part.type) {
          case 'text':
            total += count(part.text);
            break;
          case 'refusal':
            total += count(part.refusal);
            break;
          case 'image_url':
            total += part.image_url.detail === 'low' ? LOW_DETAIL_IMAGE_TOKENS : IMAGE_TOKENS;
            break;
          case 'input_audio':
            total += Math.ceil(base64Bytes(part.input_audio.data) / CHARS_PER_TOKEN);
            break;
          case 'file':
            total += Math.ceil(base64Bytes(part.file.file_data ?? '') / CHARS_PER_TOKEN);
            break;
        }
      }
    }
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) {
        if (call.type === 'function') total += count(call.function.name) + count(call.function.arguments);
        else total += count(call.custom.name) + count(call.custom.input);
      }
    }
  }
  for (const tool of request.tools ?? []) total += TOKENS_PER_TOOL + count(JSON.stringify(tool.type === 'function' ? tool.function : tool.custom));
  return total;
}

function base64Bytes(dataOrUrl: string): number {
  const comma = dataOrUrl.indexOf(',');
  const data = comma >= 0 ? dataOrUrl.slice(comma + 1) : dataOrUrl;
  return Math.floor((data.length * 3) / 4);
}
