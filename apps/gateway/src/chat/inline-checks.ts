import type { ValidatorConfig } from '../../../../libs/config/src';
import type { ScoringInput } from '../../../../libs/scoring/src';
import { jsonConforms } from '../../../../libs/scoring/src/validators/builtin-validators';
import { runConfiguredValidator } from '../../../../libs/scoring/src/validators/configured-validators';
import type { Rejection } from './attempt-runner';

/**
 * The checks a non-streamed answer must pass before the client sees it: its json_schema, when the
 * request asked for one (a failure is retried on the same model first), then the route's validators
 * marked `inline: true` (a failure moves on to the next model).
 *
 * An answer cut short by the output limit (`finish_reason: length`) is not held to its schema: OpenAI
 * returns it as it is, and the SDK's `parse()` raises LengthFinishReasonError so the caller can raise
 * `max_completion_tokens`; another try under the same limit would be cut short again.
 */
export function inlineRejection(input: ScoringInput, validators: ValidatorConfig[]): Rejection | undefined {
  if (input.request.responseFormat?.type === 'json_schema' && input.response.finishReason !== 'length') {
    const schema = jsonConforms(input);
    if (schema && !schema.passed) return { validator: 'json_schema', message: schema.detail ?? 'does not conform', retrySameModel: true };
  }
  for (const config of validators) {
    if (!config.inline) continue;
    const result = runConfiguredValidator(config, input);
    if (!result.passed) return { validator: result.validator, message: result.detail ?? 'failed', retrySameModel: false };
  }
  return undefined;
}
