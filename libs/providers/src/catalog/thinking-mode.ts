import { z } from 'zod';

/**
 * Whether a model thinks on the gateway's calls: `always` (Claude Opus / Sonnet 5.5, whose thinking
 * is always on) or `off` (the other Claude models think only on a call whose `reasoning_effort` turns
 * thinking on: anthropic/convert-to-anthropic-thinking.ts). The Anthropic adapter sends the thinking
 * blocks a client echoed back only to a model that may think on the call: one whose
 * thinking is off refuses them in the turn a tool result answers ("When thinking is disabled, an
 * `assistant` message in the final position cannot contain `thinking`"). Unset: not known, and they
 * are sent. The router sends an `always` model no tool result whose assistant turn lacks them
 * (apps/gateway/src/routing/tool-turn-without-thinking.ts).
 */
export const thinkingSchema = z.enum(['always', 'off']);
export type ThinkingMode = z.infer<typeof thinkingSchema>;
