/**
 * Anthropic Messages API shapes. Requests are typed with the official SDK's types (imported as types
 * only); responses and stream events are parsed by loose zod schemas here, at the edge, and typed inside.
 * https://docs.anthropic.com/en/api/messages
 * https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
import { z } from 'zod';
import type { MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages';

export type AnthropicRequestBody = MessageCreateParamsBase;

export const anthropicUsageSchema = z
  .object({
    input_tokens: z.number().nullish(),
    output_tokens: z.number().nullish(),
    cache_creation_input_tokens: z.number().nullish(),
    cache_read_input_tokens: z.number().nullish(),
  })
  .passthrough();
export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;

const textBlockSchema = z.object({ type: z.literal('text'), text: z.string() }).passthrough();
const toolUseBlockSchema = z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }).passthrough();
/**
 * The model's reasoning; in a stream a thinking block starts empty and fills from `thinking_delta` and
 * `signature_delta` events. https://platform.claude.com/docs/build-with-claude/thinking
 */
const thinkingBlockSchema = z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() }).passthrough();
const redactedThinkingBlockSchema = z.object({ type: z.literal('redacted_thinking'), data: z.string() }).passthrough();
/** Blocks we do not translate (server tools...) are kept loosely and skipped. */
const otherBlockSchema = z.object({ type: z.string() }).passthrough();
const contentBlockSchema = z.union([textBlockSchema, toolUseBlockSchema, thinkingBlockSchema, redactedThinkingBlockSchema, otherBlockSchema]);
export type AnthropicContentBlock = z.infer<typeof contentBlockSchema>;

export const anthropicMessageSchema = z
  .object({
    id: z.string(),
    type: z.literal('message').optional(),
    role: z.literal('assistant').optional(),
    model: z.string(),
    content: z.array(contentBlockSchema),
    stop_reason: z.string().nullish(),
    stop_sequence: z.string().nullish(),
    usage: anthropicUsageSchema,
  })
  .passthrough();
export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;

export const anthropicErrorSchema = z.object({
  type: z.literal('error').optional(),
  error: z.object({ type: z.string(), message: z.string() }).passthrough(),
});
export type AnthropicErrorBody = z.infer<typeof anthropicErrorSchema>;

export const anthropicStreamEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message_start'), message: anthropicMessageSchema.partial({ content: true, usage: true }) }),
  z.object({ type: z.literal('content_block_start'), index: z.number(), content_block: contentBlockSchema }),
  z.object({
    type: z.literal('content_block_delta'),
    index: z.number(),
    delta: z.union([
      z.object({ type: z.literal('text_delta'), text: z.string() }),
      z.object({ type: z.literal('input_json_delta'), partial_json: z.string() }),
      z.object({ type: z.literal('thinking_delta'), thinking: z.string() }),
      z.object({ type: z.literal('signature_delta'), signature: z.string() }),
      z.object({ type: z.string() }).passthrough(),
    ]),
  }),
  z.object({ type: z.literal('content_block_stop'), index: z.number() }),
  z.object({
    type: z.literal('message_delta'),
    delta: z.object({ stop_reason: z.string().nullish(), stop_sequence: z.string().nullish() }).passthrough(),
    usage: anthropicUsageSchema.nullish(),
  }),
  z.object({ type: z.literal('message_stop') }),
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('error'), error: z.object({ type: z.string(), message: z.string() }).passthrough() }),
]);
export type AnthropicStreamEvent = z.infer<typeof anthropicStreamEventSchema>;

export const ANTHROPIC_VERSION = '2023-06-01';
