import type { ValidatorConfig } from '../../config/src/router-config.schema';

/** A call the answer made: a function's JSON `arguments`, or a custom tool's free-text `input`. */
export type ScoredToolCall = { type?: 'function'; name: string; arguments: string } | { type: 'custom'; name: string; input: string };

/** A declared tool: a function with its parameters' schema, or a custom tool (free-text input). */
export type ScoredTool = { type?: 'function'; name: string; parameters?: Record<string, unknown> } | { type: 'custom'; name: string };

/** What validators see of one exchange: the parts of the request that set expectations, and the answer. */
export interface ScoringInput {
  request: {
    responseFormat?: { type: 'text' } | { type: 'json_object' } | { type: 'json_schema'; schema?: Record<string, unknown>; strict?: boolean };
    tools?: ScoredTool[];
  };
  response: {
    content: string | null;
    refusal?: string | null;
    toolCalls: ScoredToolCall[];
    finishReason: string | null;
  };
}

export interface ValidatorResult {
  validator: string;
  passed: boolean;
  detail?: string;
}

export type { ValidatorConfig };
