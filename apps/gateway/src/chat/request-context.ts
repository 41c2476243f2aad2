import type { KeyAccess } from '../auth/key-access';
import type { CallerHeaders } from '../routing/caller-context';

/** Who is asking and how to stop work for them. */
export interface RequestContext {
  requestId: string;
  keyId: string | null;
  /** Aborts upstream work when the client goes away. */
  signal: ClientSignal;
  /** The key's tenant, tier, allowed routes and models, and rate limits (set by the key guard). */
  access?: KeyAccess;
  /** The request's `x-router-tier` / `x-router-tags` headers, when it sends either (`callerHeadersOf`). */
  callerHeaders?: CallerHeaders;
  /** Sets a response header before the answer starts (rate-limit headers). */
  setHeader?: (name: string, value: string) => void;
}

/** The part of an AbortSignal the chat path reads of the client's side (an AbortSignal is one). */
export interface ClientSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * "The client went away", for one request: each upstream attempt has its own AbortController wired
 * to it. A plain flag and a listener list: an AbortController per request (an EventTarget) cost more
 * than everything else the chat route does before the call (profile, docs/benchmarks.md).
 */
export class ClientGone implements ClientSignal {
  private listeners: Array<() => void> | undefined;
  private gone = false;

  get aborted(): boolean {
    return this.gone;
  }

  abort(): void {
    if (this.gone) return;
    this.gone = true;
    const listeners = this.listeners;
    this.listeners = undefined;
    for (const listener of listeners ?? []) listener();
  }

  /** Every listener runs once (the abort happens once), so `{ once: true }` changes nothing. */
  addEventListener(_type: 'abort', listener: () => void, _options?: { once?: boolean }): void {
    if (this.gone) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.listeners?.indexOf(listener) ?? -1;
    if (i >= 0) this.listeners!.splice(i, 1);
  }
}
