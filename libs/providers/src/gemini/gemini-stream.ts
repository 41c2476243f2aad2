import type { ChatChunk, ChatReasoningFields, FinishReason } from '../../../core/src';
import { ProviderError } from '../provider';
import type { SseEvent } from '../http/sse';
import { geminiResponseId, readCandidate } from './convert-gemini-response';
import { geminiErrorSchema, geminiResponseSchema, type GeminiUsage } from './gemini-api';
import { geminiStreamError } from './map-gemini-error';
import { mapGeminiFinishReason } from './map-gemini-finish-reason';
import { mapGeminiUsage } from './map-gemini-usage';

type ChunkDelta = ChatChunk['choices'][number]['delta'] & ChatReasoningFields;

export interface GeminiStreamContext {
  /** Unix seconds, stamped on every chunk. */
  created: number;
  /** The requested model, used until a response names its `modelVersion`. */
  model: string;
  /** Told the thoughtSignature of each function call, with the tool call id minted for it, before its chunk. */
  onThoughtSignature?: (toolCallId: string, signature: string) => void;
  /** The function whose call is the answer (json_schema beside tools on Gemini 2.x: json-answer-function.ts). */
  answerFunction?: string;
}

/**
 * `streamGenerateContent?alt=sse` events -> OpenAI `chat.completion.chunk`s.
 * https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 *
 * Every event is a whole GenerateContentResponse holding the next piece of each candidate. Per candidate:
 * a first chunk with `role: assistant`, then thought summaries (asked for with `includeThoughts`) as
 * `reasoning_content` deltas, text as `content` deltas; function calls arrive whole, so
 * each becomes one tool-call delta with its minted id, name and complete arguments (its thoughtSignature,
 * on the same part, goes to `onThoughtSignature`); a `finishReason`
 * gives the finish chunk. With `answerFunction`, a call of it is the answer: one `content` delta with its
 * arguments, never a tool-call delta; the candidate's text is held until it finishes and sent only if no
 * answer came (as convertGeminiResponse, which gives the answer in place of the text).
 * After the stream, a last chunk with `choices: []` carries the final usage.
 * An `{ "error": ... }` event after HTTP 200 is thrown as a ProviderError; a stream that ends before
 * any candidate finished was cut short (`malformed_response`).
 */
export async function* transformGeminiStream(events: AsyncIterable<SseEvent>, context: GeminiStreamContext): AsyncGenerator<ChatChunk> {
  let id: string | undefined;
  let model = context.model;
  let usage: GeminiUsage | undefined;
  let sentAnything = false;
  let finishedAny = false;
  const candidates = new Map<number, { toolCount: number; heldText: string; answered: boolean }>();

  const chunk = (index: number, delta: ChunkDelta, finish: FinishReason | null = null): ChatChunk => ({
    id: id ?? '',
    object: 'chat.completion.chunk',
    created: context.created,
    model,
    choices: [{ index, delta, finish_reason: finish, logprobs: null }],
  });

  for await (const sse of events) {
    let json: unknown;
    try {
      json = JSON.parse(sse.data);
    } catch {
      throw new ProviderError('malformed_response', 'Gemini sent a stream event that is not JSON.', 200, undefined, sentAnything);
    }
    const asError = geminiErrorSchema.safeParse(json);
    if (asError.success) throw geminiStreamError(asError.data.error, sentAnything);
    const parsed = geminiResponseSchema.safeParse(json);
    if (!parsed.success) throw new ProviderError('malformed_response', 'Gemini sent a malformed stream event.', 200, undefined, sentAnything);
    const response = parsed.data;
    id ??= geminiResponseId(response, sse.data);
    model = response.modelVersion ?? model;
    usage = response.usageMetadata ?? usage;
    const blockReason = response.promptFeedback?.blockReason;
    if (!response.candidates?.length && blockReason) {
      throw new ProviderError('content_policy', `Gemini blocked the prompt (${blockReason}).`, 200, undefined, sentAnything);
    }

    for (const [position, candidate] of (response.candidates ?? []).entries()) {
      const index = candidate.index ?? position;
      let state = candidates.get(index);
      if (!state) {
        state = { toolCount: 0, heldText: '', answered: false };
        candidates.set(index, state);
        sentAnything = true;
        yield chunk(index, { role: 'assistant', content: '' });
      }
      const { reasoning, text, answer, toolCalls, thoughtSignatures } = readCandidate(candidate, {
        responseId: id,
        candidateIndex: index,
        firstToolIndex: state.toolCount,
        answerFunction: context.answerFunction,
      });
      for (const { toolCallId, signature } of thoughtSignatures) context.onThoughtSignature?.(toolCallId, signature);
      if (reasoning) yield chunk(index, { reasoning_content: reasoning });
      if (context.answerFunction) state.heldText += text;
      else if (text) yield chunk(index, { content: text });
      if (answer !== undefined && !state.answered) {
        state.answered = true;
        yield chunk(index, { content: answer });
      }
      for (const call of toolCalls) {
        if (call.type !== 'function') continue;
        yield chunk(index, { tool_calls: [{ index: state.toolCount++, id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } }] });
      }
      if (candidate.finishReason) {
        finishedAny = true;
        if (state.heldText && !state.answered) yield chunk(index, { content: state.heldText });
        state.heldText = '';
        yield chunk(index, {}, mapGeminiFinishReason(candidate.finishReason, state.toolCount > 0));
      }
    }
  }
  if (!finishedAny) throw new ProviderError('malformed_response', 'Gemini stream ended before a finishReason.', 200, undefined, sentAnything);
  if (usage) {
    const final: ChatChunk = { id: id ?? '', object: 'chat.completion.chunk', created: context.created, model, choices: [], usage: mapGeminiUsage(usage) };
    yield final;
  }
}
