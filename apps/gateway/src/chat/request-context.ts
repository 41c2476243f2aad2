/** Who is asking and how to stop work for them. */
export interface RequestContext {
  requestId: string;
  keyId: string | null;
  /** Aborts upstream work when the client goes away. */
  signal: AbortSignal;
}
