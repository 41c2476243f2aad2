/** A configured upstream, as the config loader resolves it (the key read from its env variable). */
export interface ProviderSettings {
  id: string;
  /** Adapter family: `openai-compatible`, `anthropic`, `gemini`. */
  kind: string;
  baseUrl: string;
  apiKey?: string;
  /** Header carrying the key; `authorization` sends `Bearer <key>`, any other sends the key as is. */
  authHeader?: string;
  /** Path appended to baseUrl for chat; defaults to the family's own. */
  chatPath?: string;
  headers?: Record<string, string>;
  /** Quirks: request fields this upstream rejects, and fields it names differently. */
  dropFields?: string[];
  renameFields?: Record<string, string>;
}
