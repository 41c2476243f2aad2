import { createHash } from 'node:crypto';
import type { ChatReasoningFields, ChatResponse, ChatToolCall } from '../../../core/src';
import type { GeminiCandidate, GeminiResponse } from './gemini-api';
import { mapGeminiFinishReason } from './map-gemini-finish-reason';
import { mapGeminiUsage } from './map-gemini-usage';
import { mintToolCallId } from './mint-tool-call-id';

export interface GeminiResponseContext {
  /** Unix seconds; the Gemini API returns no timestamp, so the caller passes its clock's. */
  created: number;
  /** The requested model, used when the response has no `modelVersion`. */
  model: string;
  /** Told the thoughtSignature of each function call, with the tool call id minted for it. */
  onThoughtSignature?: (toolCallId: string, signature: string) => void;
  /** The function whose call is the answer (json_schema beside tools on Gemini 2.x: json-answer-function.ts). */
  answerFunction?: string;
}

export interface ToolCallSignature {
  toolCallId: string;
  signature: string;
}

/**
 * What one candidate (or one streamed piece of it) says: its thought summaries (parts marked `thought`,
 * which Gemini returns only with `thinkingConfig.includeThoughts`: convert-to-gemini-thinking.ts) as
 * `reasoning`, text, function calls with minted ids, and the
 * thoughtSignature Gemini put on a functionCall part (thinking models; in a parallel set only the first
 * call has one), for the gateway to hand back with that call next turn. Signatures on text parts are not
 * kept: Gemini does not require them back.
 * A call of `answerFunction` is the answer, not a tool call: its args as JSON text in `answer` (the first
 * such call; the client never sees it as a call, so its signature is not kept either).
 */
export function readCandidate(
  candidate: GeminiCandidate,
  position: { responseId: string; candidateIndex: number; firstToolIndex: number; answerFunction?: string },
): { reasoning: string; text: string; answer?: string; toolCalls: ChatToolCall[]; thoughtSignatures: ToolCallSignature[] } {
  let reasoning = '';
  let text = '';
  let answer: string | undefined;
  const toolCalls: ChatToolCall[] = [];
  const thoughtSignatures: ToolCallSignature[] = [];
  for (const part of candidate.content?.parts ?? []) {
    if (part.thought) {
      // A thought summary is not part of the answer: the readable reasoning beside it.
      if (typeof part.text === 'string') reasoning += part.text;
      continue;
    }
    if (typeof part.text === 'string') text += part.text;
    if (part.functionCall) {
      const args = JSON.stringify(part.functionCall.args ?? {});
      if (part.functionCall.name === position.answerFunction) {
        answer ??= args;
        continue;
      }
      const toolIndex = position.firstToolIndex + toolCalls.length;
      const id = mintToolCallId({ responseId: position.responseId, candidateIndex: position.candidateIndex, toolIndex, name: part.functionCall.name, args });
      toolCalls.push({ id, type: 'function', function: { name: part.functionCall.name, arguments: args } });
      if (part.thoughtSignature) thoughtSignatures.push({ toolCallId: id, signature: part.thoughtSignature });
    }
  }
  return { reasoning, text, ...(answer !== undefined ? { answer } : {}), toolCalls, thoughtSignatures };
}

/** Gemini's `responseId`, or a hash of the body when an older endpoint leaves it out. */
export function geminiResponseId(response: GeminiResponse, raw: string): string {
  return response.responseId ?? `gemini-${createHash('sha256').update(raw).digest('hex').slice(0, 24)}`;
}

/**
 * A `generateContent` response -> an OpenAI `chat.completion`, one choice per candidate; thought
 * summaries in the message's `reasoning_content`, as Claude's readable thinking comes. An answer given
 * through `answerFunction` is the message `content` (in place of any text the model wrote beside the call,
 * which would make it no longer JSON), and ends the turn with `stop` unless real tools were called beside it.
 */
export function convertGeminiResponse(response: GeminiResponse, responseId: string, context: GeminiResponseContext): ChatResponse {
  return {
    id: responseId,
    object: 'chat.completion',
    created: context.created,
    model: response.modelVersion ?? context.model,
    choices: (response.candidates ?? []).map((candidate, position) => {
      const candidateIndex = candidate.index ?? position;
      const { reasoning, text, answer, toolCalls, thoughtSignatures } = readCandidate(candidate, { responseId, candidateIndex, firstToolIndex: 0, answerFunction: context.answerFunction });
      for (const { toolCallId, signature } of thoughtSignatures) context.onThoughtSignature?.(toolCallId, signature);
      const message: ChatResponse['choices'][number]['message'] & ChatReasoningFields = {
        role: 'assistant',
        content: answer ?? (text || null),
        refusal: null,
        ...(reasoning ? { reasoning_content: reasoning } : {}),
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      };
      return {
        index: candidateIndex,
        message,
        finish_reason: mapGeminiFinishReason(candidate.finishReason, toolCalls.length > 0),
        logprobs: null,
      };
    }),
    ...(response.usageMetadata ? { usage: mapGeminiUsage(response.usageMetadata) } : {}),
  };
}
