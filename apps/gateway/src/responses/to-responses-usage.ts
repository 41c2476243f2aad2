import type { Usage } from '../../../../libs/core/src';
import type { ResponsesWireUsage } from './responses-wire';

/** Chat usage in the Responses API's names: prompt -> input, completion -> output, with their details. */
export function toResponsesUsage(usage: Usage | undefined): ResponsesWireUsage {
  const input = usage?.prompt_tokens ?? 0;
  const output = usage?.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage?.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage?.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage?.total_tokens ?? input + output,
  };
}
