import { GatewayError } from '../../../core/src';

/**
 * OpenAI carries a tool call's arguments as a JSON string; Anthropic and Gemini want an object.
 * Empty means no arguments; anything but a JSON object is the client's mistake (400 on `param`).
 */
export function parseToolArguments(text: string, param: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw GatewayError.invalidRequest('Tool call arguments must be valid JSON.', param);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw GatewayError.invalidRequest('Tool call arguments must be a JSON object.', param);
  }
  return value as Record<string, unknown>;
}
