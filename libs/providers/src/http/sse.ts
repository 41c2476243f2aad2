import { ProviderError } from '../provider';

/** Bounds on what one upstream stream may send: an endless or runaway stream fails instead of growing memory. */
export interface SseLimits {
  /** Characters of one event (the buffer between blank lines). */
  maxEventChars?: number;
  /** Characters of the whole stream. */
  maxTotalChars?: number;
}
export const MAX_SSE_EVENT_CHARS = 8 * 1024 * 1024;
export const MAX_SSE_TOTAL_CHARS = 64 * 1024 * 1024;

/** A server-sent event: https://html.spec.whatwg.org/multipage/server-sent-events.html */
export interface SseEvent {
  event?: string;
  data: string;
}

/**
 * Splits a byte stream into server-sent events as the bytes arrive (no buffering beyond one event).
 * Handles `\n`, `\r\n` and `\r` line ends, multi-line `data:`, comments and events split across chunks.
 */
export async function* parseSse(body: AsyncIterable<Uint8Array | string>, limits: SseLimits = {}): AsyncGenerator<SseEvent> {
  const maxEventChars = limits.maxEventChars ?? MAX_SSE_EVENT_CHARS;
  const maxTotalChars = limits.maxTotalChars ?? MAX_SSE_TOTAL_CHARS;
  const decoder = new TextDecoder();
  let buffer = '';
  let event: string | undefined;
  let data: string[] = [];
  let eventChars = 0;
  let total = 0;
  for await (const piece of body) {
    const text = typeof piece === 'string' ? piece : decoder.decode(piece, { stream: true });
    total += text.length;
    eventChars += text.length;
    if (total > maxTotalChars) throw new ProviderError('malformed_response', `Upstream stream exceeded ${maxTotalChars} characters.`, undefined, undefined, true);
    buffer += text;
    let lineEnd: number;
    while ((lineEnd = findLineEnd(buffer)) >= 0) {
      const line = buffer.slice(0, lineEnd);
      const skip = buffer[lineEnd] === '\r' && buffer[lineEnd + 1] === '\n' ? 2 : 1;
      if (buffer[lineEnd] === '\r' && lineEnd + 1 === buffer.length) break; // wait: may be \r\n split
      buffer = buffer.slice(lineEnd + skip);
      if (line === '') {
        if (data.length > 0) yield { event, data: data.join('\n') };
        event = undefined;
        data = [];
        eventChars = buffer.length;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
    }
    if (eventChars > maxEventChars) throw new ProviderError('malformed_response', `Upstream stream event exceeded ${maxEventChars} characters.`, undefined, undefined, true);
  }
  buffer += decoder.decode();
  if (buffer.length > 0 && buffer.startsWith('data:')) data.push(buffer.slice(5).trimStart());
  if (data.length > 0) yield { event, data: data.join('\n') };
}

function findLineEnd(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return -1;
}
