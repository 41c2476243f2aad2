import { GatewayError, type ChatRequest } from '../../../core/src';
import { convertJsonSchemaToGemini } from './convert-json-schema-to-gemini';
import { convertToGeminiContents, type GeminiContentsOptions } from './convert-to-gemini-contents';
import { convertToGeminiThinking } from './convert-to-gemini-thinking';
import { convertToGeminiTools } from './convert-to-gemini-tools';
import type { GeminiGenerationConfig, GeminiRequestBody } from './gemini-api';
import { addJsonAnswerFunction, planJsonFormat } from './json-answer-function';
import { rejectUnsupportedGeminiParams } from './reject-unsupported-params';

/**
 * A whole OpenAI request -> a Gemini `generateContent` body (the model goes in the URL).
 * https://ai.google.dev/api/generate-content#v1beta.GenerationConfig
 * `response_format` json_object -> `responseMimeType: application/json`; json_schema -> the same plus
 * `responseSchema`, converted to the subset Gemini accepts (see convertJsonSchemaToGemini).
 * Gemini 2.x refuses both beside function tools: there json_schema is asked for as a function call, and
 * json_object is refused (a 400 on `response_format`); see planJsonFormat.
 * `reasoning_effort` (or a Responses request's `reasoning.summary`) -> `thinkingConfig` (convertToGeminiThinking).
 */
export function convertToGeminiRequest(request: ChatRequest, options: GeminiContentsOptions = {}): GeminiRequestBody {
  rejectUnsupportedGeminiParams(request);
  const { systemInstruction, contents } = convertToGeminiContents(request.messages, options);
  const stop = typeof request.stop === 'string' ? [request.stop] : (request.stop ?? undefined);
  const format = request.response_format;
  const plan = planJsonFormat(request);
  if (plan === 'refused') {
    throw GatewayError.invalidRequest(
      'response_format json_object together with tools is not supported by Gemini 2.x models (json_schema is; Gemini 3 and later take both).',
      'response_format',
      'unsupported_parameter',
    );
  }
  const tools = plan === 'function' ? addJsonAnswerFunction(request, convertToGeminiTools(request)) : convertToGeminiTools(request);
  const jsonAnswer = plan === 'native';
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  const thinkingConfig = convertToGeminiThinking(request);
  const generationConfig: GeminiGenerationConfig = {
    ...(maxTokens != null ? { maxOutputTokens: maxTokens } : {}),
    ...(request.temperature != null ? { temperature: request.temperature } : {}),
    ...(request.top_p != null ? { topP: request.top_p } : {}),
    ...(stop && stop.length > 0 ? { stopSequences: stop } : {}),
    ...(request.n != null && request.n !== 1 ? { candidateCount: request.n } : {}),
    ...(request.seed != null ? { seed: request.seed } : {}),
    ...(jsonAnswer ? { responseMimeType: 'application/json' } : {}),
    ...(jsonAnswer && format?.type === 'json_schema' && format.json_schema.schema
      ? { responseSchema: convertJsonSchemaToGemini(format.json_schema.schema, 'response_format.json_schema.schema') }
      : {}),
    ...(thinkingConfig ? { thinkingConfig } : {}),
  };
  return {
    contents,
    ...(systemInstruction ? { systemInstruction } : {}),
    ...tools,
    ...(Object.keys(generationConfig).length > 0 ? { generationConfig } : {}),
  };
}
