/**
 * How a Claude model takes a request to think, from its upstream name (Anthropic's model names carry
 * the version: `claude-haiku-4-5-20251001`, `claude-3-7-sonnet-20250219`, `claude-opus-5-5`; a
 * Bedrock-style `anthropic.claude-sonnet-4-6` too).
 * https://platform.claude.com/docs/build-with-claude/thinking#configuring-thinking
 *
 * - `budget`: Claude 4.5 and older take only manual extended thinking,
 *   `thinking: { type: 'enabled', budget_tokens }`, and have no `output_config.effort` the gateway sends.
 * - `adaptive`: Claude 4.6 and later take `thinking: { type: 'adaptive' }` with `output_config.effort`;
 *   from 4.7 (and the 5 family) the budget form is a 400 ("\"thinking.type.enabled\" is not supported
 *   for this model"), and 4.6 has it only as deprecated. A name without a version is taken as a new
 *   model: adaptive.
 * `xhigh`: whether the model takes the effort level `xhigh` (Claude 4.7 and later; 4.6 takes `low` to
 * `high` and `max`). https://platform.claude.com/docs/build-with-claude/effort
 * `omitsThinking`: whether the model's thinking blocks come back empty unless the request asks for
 * `thinking.display: 'summarized'` (Opus 4.7 and later default to `omitted`; 4.6 and earlier to
 * `summarized`). https://platform.claude.com/docs/build-with-claude/thinking#controlling-thinking-display
 */
export interface ClaudeThinkingForm {
  form: 'budget' | 'adaptive';
  xhigh: boolean;
  omitsThinking: boolean;
}

// `claude-<family>-<major>[-<minor>]` (4 and later) or `claude-<major>-<minor>-<family>` (3.x); a
// minor is one or two digits (an 8-digit snapshot date is not one).
const VERSION = /claude-(?:(?:[a-z]+)-)?(\d+)(?:-(\d{1,2}))?(?!\d)/;

export function claudeThinkingForm(model: string): ClaudeThinkingForm {
  const version = claudeVersion(model);
  if (version === undefined) return { form: 'adaptive', xhigh: true, omitsThinking: true };
  return { form: version >= 406 ? 'adaptive' : 'budget', xhigh: version >= 407, omitsThinking: version >= 407 };
}

/** A Claude model's version from its upstream name, as major * 100 + minor (`claude-opus-4-5` -> 405); undefined when the name has none. */
export function claudeVersion(model: string): number | undefined {
  const match = VERSION.exec(model);
  return match ? Number(match[1]) * 100 + Number(match[2] ?? 0) : undefined;
}
