import { createHash } from 'node:crypto';
import type { ChatResponse, ChatToolCall } from '../../../core/src';
import type { GeminiCandidate, GeminiResponse } from './gemini-api';
import { mapGeminiFinishReason } from './map-gemini-finish-reason';
import { mapGeminiUsage } from './map-gemini-usage';
import { mintToolCallId } from './mint-tool-call-id';

export interface GeminiResponseContext {
  /** Unix seconds; the Gemini API returns no timestamp, so the caller passes its clock's. */
  created: number;
  /** The requested model, used when the response has no `modelVersion`. */
  model: string;
}

/** What one candidate (or one streamed piece of it) says: text, and function calls with minted ids. */
export function readCandidate(
  candidate: GeminiCandidate,
  position: { responseId: string; candidateIndex: number; firstToolIndex: number },
): { text: string; toolCalls: ChatToolCall[] } {
  let text = '';
  const toolCalls: ChatToolCall[] = [];
  for (const part of candidate.content?.parts ?? []) {
    if (part.thought) continue; // thought summaries are not part of the answer
    if (typeof part.text === 'string') text += part.text;
    if (part.functionCall) {
      const args = JSON.stringify(part.functionCall.args ?? {});
      const toolIndex = position.firstToolIndex + toolCalls.length;
      const id = mintToolCallId({ responseId: position.responseId, candidateIndex: position.candidateIndex, toolIndex, name: part.functionCall.name, args });
      toolCalls.push({ id, type: 'function', function: { name: part.functionCall.name, arguments: args } });
    }
  }
  return { text, toolCalls };
}

/** Gemini's `responseId`, or a hash of the body when an older endpoint leaves it out. */
export function geminiResponseId(response: GeminiResponse, raw: string): string {
  return response.responseId ?? `gemini-${createHash('sha256').update(raw).digest('hex').slice(0, 24)}`;
}

/** A `generateContent` response -> an OpenAI `chat.completion`, one choice per candidate. */
export function convertGeminiResponse(response: GeminiResponse, responseId: string, context: GeminiResponseContext): ChatResponse {
  return {
    id: responseId,
    object: 'chat.completion',
    created: context.created,
    model: response.modelVersion ?? context.model,
    choices: (response.candidates ?? []).map((candidate, position) => {
      const candidateIndex = candidate.index ?? position;
      const { text, toolCalls } = readCandidate(candidate, { responseId, candidateIndex, firstToolIndex: 0 });
      return {
        index: candidateIndex,
        message: { role: 'assistant', content: text || null, refusal: null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
        finish_reason: mapGeminiFinishReason(candidate.finishReason, toolCalls.length > 0),
        logprobs: null,
      };
    }),
    ...(response.usageMetadata ? { usage: mapGeminiUsage(response.usageMetadata) } : {}),
  };
}
