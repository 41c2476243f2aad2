import { THOUGHT_BEFORE, type ChatChunk, type ChatReasoningFields, type ChatThinkingBlock, type FinishReason, type Usage } from '../../../core/src';
import { ProviderError } from '../provider';
import type { SseEvent } from '../http/sse';
import { anthropicStreamEventSchema, type AnthropicStreamEvent, type AnthropicUsage } from './anthropic-api';
import { finishReason } from './convert-anthropic-response';
import { anthropicStreamError } from './map-anthropic-error';
import { mapAnthropicUsage } from './map-anthropic-usage';
import { toClientThinkingBlock } from './map-thinking-blocks';

type ChunkDelta = ChatChunk['choices'][number]['delta'] & ChatReasoningFields;

export interface AnthropicStreamContext {
  /** Unix seconds, stamped on every chunk. */
  created: number;
  jsonTool?: string;
}

const KNOWN_EVENTS = new Set<string>(anthropicStreamEventSchema.options.map((o) => o.shape.type.value));

/** A thinking block is kept whole until its end: the client gets it, signature included, to send back. */
type Block = { kind: 'text' } | { kind: 'tool'; toolIndex: number } | { kind: 'json' } | { kind: 'thinking'; block: ChatThinkingBlock } | { kind: 'ignored' };

/**
 * Anthropic stream events -> OpenAI `chat.completion.chunk`s, one chunk out per content event in.
 * https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types
 *
 * - `message_start` -> a first chunk with `role: assistant`;
 * - text deltas -> `content`; a `tool_use` block start -> a tool call delta with index, id, name and
 *   empty arguments, then each `input_json_delta` -> an `arguments` fragment for that index;
 * - the `json_schema` fallback tool's input fragments are sent as `content` instead;
 * - thinking deltas -> `reasoning_content`; each `thinking` / `redacted_thinking` block, once ended,
 *   is kept with its signature, and all of them go out together as `thinking_blocks` in one chunk just
 *   before the finish chunk. One delta with the whole list, because the openai SDK's stream helper
 *   keeps only the last value of a field it does not know, and a client that concatenates arrays gets
 *   the same list; a stream that fails before its end has sent no blocks to echo. The answer's first
 *   delta (text or a tool call) carries the blocks completed before it in {@link THOUGHT_BEFORE} (a
 *   symbol key, not in its JSON): Anthropic ends each thinking block (`signature_delta`, then
 *   `content_block_stop`) before the answer's first block starts, so a writer can close the thinking
 *   before the answer goes on (the Responses stream's reasoning item), redacted thinking included;
 * - `message_delta` -> the finish chunk; `message_stop` -> a last chunk with `choices: []` and `usage`;
 * - an `error` event -> a thrown {@link ProviderError} (midStream once anything was sent).
 * A stream that ends before `message_stop` was cut short: `malformed_response`.
 */
export async function* transformAnthropicStream(events: AsyncIterable<SseEvent>, context: AnthropicStreamContext): AsyncGenerator<ChatChunk> {
  let id = '';
  let model = '';
  let usage: AnthropicUsage = {};
  let stopReason: string | null | undefined;
  let toolCount = 0;
  let sawJsonTool = false;
  let sentAnything = false;
  const blocks = new Map<number, Block>();
  const thinking: ChatThinkingBlock[] = [];
  /** Whether the answer (text or a tool call) has begun; until it has, ended thinking blocks wait for its first delta. */
  let answering = false;

  const chunk = (delta: ChunkDelta, finish: FinishReason | null = null): ChatChunk => {
    if (!answering && (delta.content || delta.tool_calls)) {
      answering = true;
      if (thinking.length > 0) delta[THOUGHT_BEFORE] = thinking.slice();
    }
    return { id, object: 'chat.completion.chunk', created: context.created, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] };
  };

  for await (const sse of events) {
    const event = parseEvent(sse, sentAnything);
    if (!event) continue;
    switch (event.type) {
      case 'message_start':
        id = event.message.id;
        model = event.message.model;
        usage = { ...event.message.usage };
        sentAnything = true;
        yield chunk({ role: 'assistant', content: '' });
        break;
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'text') {
          blocks.set(event.index, { kind: 'text' });
          if ('text' in block && typeof block.text === 'string' && block.text) yield chunk({ content: block.text });
        } else if (block.type === 'tool_use' && 'name' in block && typeof block.name === 'string' && typeof block.id === 'string') {
          if (block.name === context.jsonTool) {
            sawJsonTool = true;
            blocks.set(event.index, { kind: 'json' });
          } else {
            const toolIndex = toolCount++;
            blocks.set(event.index, { kind: 'tool', toolIndex });
            yield chunk({ tool_calls: [{ index: toolIndex, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] });
          }
        } else {
          const thought = toClientThinkingBlock(block);
          blocks.set(event.index, thought ? { kind: 'thinking', block: thought } : { kind: 'ignored' });
          if (thought?.type === 'thinking' && thought.thinking) yield chunk({ reasoning_content: thought.thinking });
        }
        break;
      }
      case 'content_block_delta': {
        const block = blocks.get(event.index);
        const delta = event.delta;
        if (delta.type === 'text_delta' && 'text' in delta && typeof delta.text === 'string' && block?.kind === 'text') {
          if (delta.text) yield chunk({ content: delta.text });
        } else if (delta.type === 'input_json_delta' && 'partial_json' in delta && typeof delta.partial_json === 'string') {
          if (!delta.partial_json) break;
          if (block?.kind === 'tool') yield chunk({ tool_calls: [{ index: block.toolIndex, function: { arguments: delta.partial_json } }] });
          else if (block?.kind === 'json') yield chunk({ content: delta.partial_json });
        } else if (block?.kind === 'thinking' && block.block.type === 'thinking') {
          if (delta.type === 'thinking_delta' && 'thinking' in delta && typeof delta.thinking === 'string' && delta.thinking) {
            block.block.thinking += delta.thinking;
            yield chunk({ reasoning_content: delta.thinking });
          } else if (delta.type === 'signature_delta' && 'signature' in delta && typeof delta.signature === 'string') {
            block.block.signature += delta.signature;
          }
        }
        break;
      }
      case 'content_block_stop': {
        const block = blocks.get(event.index);
        if (block?.kind === 'thinking') thinking.push(block.block);
        break;
      }
      case 'message_delta':
        stopReason = event.delta.stop_reason ?? stopReason;
        usage = { ...usage, ...definedOnly(event.usage ?? {}) };
        if (thinking.length > 0) yield chunk({ thinking_blocks: thinking.splice(0) });
        yield chunk({}, finishReason(stopReason, sawJsonTool && toolCount === 0));
        break;
      case 'message_stop': {
        const final: ChatChunk = { id, object: 'chat.completion.chunk', created: context.created, model, choices: [], usage: mapAnthropicUsage(usage) satisfies Usage };
        yield final;
        return;
      }
      case 'error':
        throw anthropicStreamError(event.error, sentAnything);
      case 'ping':
        break;
    }
  }
  throw new ProviderError('malformed_response', 'Anthropic stream ended before message_stop.', 200, undefined, sentAnything);
}

function parseEvent(sse: SseEvent, midStream: boolean): AnthropicStreamEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(sse.data);
  } catch {
    throw new ProviderError('malformed_response', 'Anthropic sent a stream event that is not JSON.', 200, undefined, midStream);
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !KNOWN_EVENTS.has(type)) return undefined; // new event types are skipped, as the docs ask
  const parsed = anthropicStreamEventSchema.safeParse(json);
  if (!parsed.success) {
    throw new ProviderError('malformed_response', `Anthropic sent a malformed ${type} event.`, 200, undefined, midStream);
  }
  return parsed.data;
}

/** `message_delta.usage` repeats counters; nulls must not erase the ones from `message_start`. */
function definedOnly(usage: AnthropicUsage): AnthropicUsage {
  return Object.fromEntries(Object.entries(usage).filter(([, v]) => v !== null && v !== undefined));
}
