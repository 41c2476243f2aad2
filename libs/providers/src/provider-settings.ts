/**
 * OpenAI's newer tool forms an OpenAI-compatible host takes as they are: an `allowed_tools` tool choice,
 * and custom tools (free-text input, optionally in a grammar). The adapter translates the first for a
 * host without it and refuses the second (libs/providers/src/openai-compatible/adapt-tool-forms.ts).
 */
export type ToolForm = 'allowed_tools' | 'custom_tools';
export const TOOL_FORMS: readonly ToolForm[] = ['allowed_tools', 'custom_tools'];

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
  /** Path appended to baseUrl for embeddings (OpenAI-compatible hosts); `/embeddings` by default. */
  embeddingsPath?: string;
  headers?: Record<string, string>;
  /** Quirks: request fields this upstream rejects, and fields it names differently. */
  dropFields?: string[];
  renameFields?: Record<string, string>;
  /** OpenAI's newer tool forms this host takes as they are; none unless its preset or config says so. */
  toolForms?: ToolForm[];
}
