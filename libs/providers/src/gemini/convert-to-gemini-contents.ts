import type { ChatCompletionContentPart } from 'openai/resources/chat/completions';
import { GatewayError, type ChatMessage } from '../../../core/src';
import type { GeminiContent, GeminiPart } from './gemini-api';
import { parseDataUrl } from '../shared/parse-data-url';
import { parseToolArguments } from '../shared/parse-tool-arguments';

/**
 * Google's documented stand-in for the signature of a function call whose own is unknown (history from
 * another model or provider): https://ai.google.dev/gemini-api/docs/thought-signatures#faqs. Of the two
 * values the Gemini API FAQ gives, this is the one Vertex AI documents too.
 */
export const SKIP_THOUGHT_SIGNATURE_VALIDATOR = 'skip_thought_signature_validator';

export interface GeminiContentsOptions {
  /** The thoughtSignature Gemini gave with the tool call of this id, if known for the model being called. */
  thoughtSignatureFor?: (toolCallId: string) => string | undefined;
}

export interface GeminiPrompt {
  systemInstruction?: { parts: Array<{ text: string }> };
  contents: GeminiContent[];
}

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

/**
 * OpenAI messages -> Gemini `systemInstruction` + `contents`.
 * https://ai.google.dev/api/generate-content#request-body
 *
 * - `system` / `developer` messages join `systemInstruction`, wherever they appear.
 * - assistant -> role `model`; its tool_calls -> `functionCall` parts, each with the thoughtSignature
 *   Gemini gave with it when known (`thoughtSignatureFor`). Gemini 3 answers 400 when the first function
 *   call of a step comes back without one; so when that one is unknown (the calls came from another
 *   provider or model, or the gateway no longer holds the signature), it gets Google's dummy value.
 *   Later calls of a parallel set carry none, as Gemini sent them.
 * - `tool` messages -> `functionResponse` parts in a user turn. Gemini matches responses by function
 *   name, which OpenAI tool messages lack: it is recovered from the earlier assistant tool_call with the
 *   same id. A JSON-object result is sent as the `response` itself, anything else as `{ content: text }`.
 * - Images: data URLs -> `inlineData`, http(s) URLs -> `fileData` (MIME type guessed from the extension).
 * - Consecutive same-role turns are merged, so parallel function responses share one turn.
 * - The `name` field has no Gemini counterpart and is not sent.
 * - A conversation of system messages alone (the whole prompt in them) is sent as one user turn.
 * - Empty user text is left out: the Gemini API refuses a part `{ text: "" }` ("Unable to submit request
 *   because it has an empty text parameter"), OpenAI takes it. A last user message left with nothing is
 *   refused (400 on its `content`): without it the contents would end on the model's turn, which the
 *   Gemini API refuses too.
 */
export function convertToGeminiContents(messages: ChatMessage[], options: GeminiContentsOptions = {}): GeminiPrompt {
  const system: string[] = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  // The index of the last message when it is a user message with nothing to send.
  let emptyLastUser: number | undefined;
  const push = (role: 'user' | 'model', parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  messages.forEach((message, i) => {
    const param = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = typeof message.content === 'string' ? message.content : message.content.map((p) => p.text).join('\n');
        if (text) system.push(text);
        return;
      }
      case 'user': {
        const given = typeof message.content === 'string' ? [{ type: 'text' as const, text: message.content }] : message.content;
        const parts = given.flatMap((part, j) => (part.type === 'text' && part.text === '' ? [] : [convertUserPart(part, `${param}.content[${j}]`)]));
        if (parts.length === 0 && i === messages.length - 1) emptyLastUser = i;
        push('user', parts);
        return;
      }
      case 'assistant': {
        const parts: GeminiPart[] = [];
        if (typeof message.content === 'string') {
          if (message.content) parts.push({ text: message.content });
        } else if (message.content) {
          for (const part of message.content) {
            const text = part.type === 'text' ? part.text : part.refusal;
            if (text) parts.push({ text });
          }
        }
        (message.tool_calls ?? []).forEach((call, j) => {
          if (call.type !== 'function') throw GatewayError.invalidRequest('Custom tool calls are not supported by Gemini models.', `${param}.tool_calls[${j}]`, 'unsupported_parameter');
          toolNames.set(call.id, call.function.name);
          const functionCall = { name: call.function.name, args: parseToolArguments(call.function.arguments, `${param}.tool_calls[${j}].function.arguments`) };
          const thoughtSignature = options.thoughtSignatureFor?.(call.id) ?? (j === 0 ? SKIP_THOUGHT_SIGNATURE_VALIDATOR : undefined);
          parts.push(thoughtSignature ? { functionCall, thoughtSignature } : { functionCall });
        });
        push('model', parts);
        return;
      }
      case 'tool': {
        const name = toolNames.get(message.tool_call_id);
        if (!name) {
          throw GatewayError.invalidRequest(`No earlier assistant tool call has id "${message.tool_call_id}".`, `${param}.tool_call_id`);
        }
        const text = typeof message.content === 'string' ? message.content : message.content.map((p) => p.text).join('');
        push('user', [{ functionResponse: { name, response: toolResponse(text) } }]);
        return;
      }
      case 'function':
        throw GatewayError.invalidRequest('The deprecated `function` role is not supported; use `tool` messages.', `${param}.role`);
    }
  });
  const parts = system.map((text) => ({ text }));
  if (emptyLastUser !== undefined && contents[contents.length - 1]?.role !== 'user' && (contents.length > 0 || parts.length === 0)) {
    throw GatewayError.invalidRequest('Gemini models refuse a user message without text (empty).', `messages[${emptyLastUser}].content`, 'unsupported_value');
  }
  // A prompt given only as system messages, which OpenAI answers: the Gemini API refuses a request
  // without contents ("contents is not specified"), so the text is the user's turn.
  if (contents.length === 0 && parts.length > 0) return { contents: [{ role: 'user', parts }] };
  return { ...(parts.length > 0 ? { systemInstruction: { parts } } : {}), contents };
}

function convertUserPart(part: ChatCompletionContentPart, param: string): GeminiPart {
  switch (part.type) {
    case 'text':
      return { text: part.text };
    case 'image_url': {
      const url = part.image_url.url;
      if (/^https?:\/\//i.test(url)) {
        const mimeType = guessMimeType(url);
        return { fileData: { fileUri: url, ...(mimeType ? { mimeType } : {}) } };
      }
      const parsed = parseDataUrl(url);
      if (!parsed) throw GatewayError.invalidRequest('Images must be http(s) URLs or base64 data URLs.', param);
      return { inlineData: { mimeType: parsed.mediaType, data: parsed.data } };
    }
    case 'input_audio':
      return { inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data } };
    case 'file': {
      const parsed = part.file.file_data ? parseDataUrl(part.file.file_data) : undefined;
      if (!parsed) throw GatewayError.invalidRequest('Only inline files (a base64 data URL in `file_data`) are supported by this provider.', param);
      return { inlineData: { mimeType: parsed.mediaType, data: parsed.data } };
    }
  }
}

function guessMimeType(url: string): string | undefined {
  const extension = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  return extension ? MIME_BY_EXTENSION[extension] : undefined;
}


function toolResponse(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    /* plain text */
  }
  return { content: text };
}
