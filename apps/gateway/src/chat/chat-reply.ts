import type { ServerResponse } from 'node:http';

/**
 * What the chat path needs of a reply: Fastify's reply has it, and so does the raw route's
 * (`raw-chat-route.ts`), which answers `POST /v1/chat/completions` without going through Fastify.
 */
export interface ChatReply {
  readonly raw: ServerResponse;
  /** True once an answer was sent or the raw response taken over. */
  readonly sent: boolean;
  /** The caller writes the raw response itself from now on (streams). */
  hijack(): void;
  code(statusCode: number): ChatReply;
  header(name: string, value: string): ChatReply;
  headers(values: Record<string, string>): ChatReply;
  /** The headers given so far with `header` / `headers` (a stream writes them with its own). */
  getHeaders(): Record<string, string | number | string[] | undefined>;
  /** An object is sent as JSON. */
  send(payload: object): ChatReply;
}
