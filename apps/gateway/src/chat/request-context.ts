import type { KeyAccess } from '../auth/key-access';

/** Who is asking and how to stop work for them. */
export interface RequestContext {
  requestId: string;
  keyId: string | null;
  /** Aborts upstream work when the client goes away. */
  signal: AbortSignal;
  /** The key's tenant, tier, allowed routes and models, and rate limits (set by the key guard). */
  access?: KeyAccess;
  /** Sets a response header before the answer starts (rate-limit headers). */
  setHeader?: (name: string, value: string) => void;
}
