/** A server-sent event: https://html.spec.whatwg.org/multipage/server-sent-events.html */
export interface SseEvent {
  event?: string;
  data: string;
}

/**
 * Splits a byte stream into server-sent events as the bytes arrive (no buffering beyond one event).
 * Handles `\n`, `\r\n` and `\r` line ends, multi-line `data:`, comments and events split across chunks.
 */
export async function* parseSse(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event: string | undefined;
  let data: string[] = [];
  for await (const piece of body) {
    buffer += typeof piece === 'string' ? piece : decoder.decode(piece, { stream: true });
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
