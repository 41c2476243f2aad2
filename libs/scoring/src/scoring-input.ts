import type { ValidatorConfig } from '../../config/src/router-config.schema';

/** What validators see of one exchange: the parts of the request that set expectations, and the answer. */
export interface ScoringInput {
  request: {
    responseFormat?: { type: 'text' } | { type: 'json_object' } | { type: 'json_schema'; schema?: Record<string, unknown>; strict?: boolean };
    tools?: Array<{ name: string; parameters?: Record<string, unknown> }>;
  };
  response: {
    content: string | null;
    refusal?: string | null;
    toolCalls: Array<{ name: string; arguments: string }>;
    finishReason: string | null;
  };
}

export interface ValidatorResult {
  validator: string;
  passed: boolean;
  detail?: string;
}

export type { ValidatorConfig };
