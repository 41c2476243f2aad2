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

/**
 * What a Claude model's thinking blocks carry back (`thinking_display`, sent as the request's
 * `thinking.display` whenever the model thinks on the call): `summarized`, its readable thinking (as
 * `reasoning_content`); `omitted`, empty text (the signature still carries it), the answer's text
 * sooner. Unset: the model's own default (`omitted` on Claude 4.7 and later, `summarized` before), and
 * `summarized` for a Responses request that asks for a reasoning summary.
 */
export const thinkingDisplaySchema = z.enum(['summarized', 'omitted']);
export type ThinkingDisplay = z.infer<typeof thinkingDisplaySchema>;
