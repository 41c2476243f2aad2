/**
 * Where the gateway keeps the `thoughtSignature` Gemini put on a function call, keyed by the tool call id
 * it minted for that call, until the client sends the call back in its history.
 *
 * Why not inside the id: a signature is an opaque blob of hundreds to thousands of base64 characters, and
 * the ids live on in the client's history, which the router may send to another provider next: OpenAI
 * refuses tool call ids longer than 40 characters (`string_above_max_length`) and Anthropic ids outside
 * `[A-Za-z0-9_-]`. So ids stay short and the signature stays here.
 *
 * A signature is only handed back to the upstream model that issued it; another model (the bandit may
 * switch models between turns) gets none, and so does any call after a restart, an eviction, or in a
 * gateway process other than the one that answered. convertToGeminiContents then sends Google's documented
 * dummy, so none of these ends in a 400; the model only lacks its earlier reasoning for that step.
 */
export interface ThoughtSignatureStore {
  remember(toolCallId: string, model: string, signature: string): void;
  /** The signature `model` issued with this tool call, if it is still known. */
  recall(toolCallId: string, model: string): string | undefined;
}

export interface InMemoryThoughtSignatureStoreLimits {
  /** At most this many signatures are kept. */
  maxEntries: number;
  /** At most this many characters of signatures in all (a base64 signature takes about one byte a character). */
  maxChars: number;
}

export const DEFAULT_THOUGHT_SIGNATURE_LIMITS: InMemoryThoughtSignatureStoreLimits = { maxEntries: 50_000, maxChars: 32 * 1024 * 1024 };

/** A least-recently-used map bounded by entries and by total characters; one per gateway process. */
export class InMemoryThoughtSignatureStore implements ThoughtSignatureStore {
  private readonly entries = new Map<string, { model: string; signature: string }>();
  private chars = 0;

  constructor(private readonly limits: InMemoryThoughtSignatureStoreLimits = DEFAULT_THOUGHT_SIGNATURE_LIMITS) {}

  remember(toolCallId: string, model: string, signature: string): void {
    if (signature.length > this.limits.maxChars) return;
    this.forget(toolCallId);
    this.entries.set(toolCallId, { model, signature });
    this.chars += signature.length;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.limits.maxEntries && this.chars <= this.limits.maxChars) break;
      this.forget(oldest);
    }
  }

  recall(toolCallId: string, model: string): string | undefined {
    const entry = this.entries.get(toolCallId);
    if (!entry || entry.model !== model) return undefined;
    // most recently used last, so a long tool loop keeps its signatures
    this.entries.delete(toolCallId);
    this.entries.set(toolCallId, entry);
    return entry.signature;
  }

  get size(): number {
    return this.entries.size;
  }

  private forget(toolCallId: string): void {
    const entry = this.entries.get(toolCallId);
    if (!entry) return;
    this.entries.delete(toolCallId);
    this.chars -= entry.signature.length;
  }
}
