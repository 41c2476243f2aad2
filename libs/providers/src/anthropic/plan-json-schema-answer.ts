import { GatewayError, type ChatRequest } from '../../../core/src';
import type { ThinkingMode } from '../catalog/thinking-mode';
import { claudeVersion } from './claude-thinking-form';
import { convertJsonSchemaToAnthropic } from './convert-json-schema-to-anthropic';

/** How a `response_format: json_schema` request is put to a Claude model (planJsonSchemaAnswer). */
export type JsonSchemaAnswer =
  /** Anthropic's structured outputs: `output_config.format`, the answer an ordinary text constrained to the schema. */
  | { kind: 'native'; schema: Record<string, unknown> }
  /** The older fallback: a forced tool named after the schema, whose input is the answer. */
  | { kind: 'tool' };

/**
 * Whether a Claude model takes structured outputs (`output_config.format`), from its upstream name:
 * Claude 4.5 (Sonnet, Haiku, Opus) and later, where Anthropic made them generally available; a name
 * without a version is taken as a new model. https://platform.claude.com/docs/en/build-with-claude/structured-outputs
 */
export function takesOutputFormat(model: string): boolean {
  const version = claudeVersion(model);
  return version === undefined || version >= 405;
}

/**
 * `response_format: json_schema` on a Claude model:
 * - natively (`output_config.format`, the schema converted by convertJsonSchemaToAnthropic) on a model
 *   that takes it, beside tools and thinking alike; `strict` true or false alike (the output format is
 *   always enforced, OpenAI's non-strict schema only followed);
 * - through the forced tool on an older model, on a conversation that ends on an assistant message (JSON
 *   outputs refuse a prefill; the tool takes it), and when the schema is outside structured outputs'
 *   subset on a model that takes a forced tool;
 * - refused (400 on `response_format`, from the conversion) when the schema is outside the subset on a
 *   model whose thinking is always on (Opus / Sonnet 5.5 answer a forced tool with an error).
 */
export function planJsonSchemaAnswer(
  request: Pick<ChatRequest, 'response_format'>,
  model: { model: string; mode?: ThinkingMode },
  endsOnAssistant: boolean,
): JsonSchemaAnswer | undefined {
  const format = request.response_format;
  if (format?.type !== 'json_schema') return undefined;
  if (!takesOutputFormat(model.model) || endsOnAssistant) return { kind: 'tool' };
  try {
    return { kind: 'native', schema: convertJsonSchemaToAnthropic(format.json_schema.schema ?? {}) };
  } catch (err) {
    if (err instanceof GatewayError && model.mode !== 'always') return { kind: 'tool' };
    throw err;
  }
}
