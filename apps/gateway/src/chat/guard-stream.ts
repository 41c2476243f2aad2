import type { TimeoutSpec } from '../../../../libs/config/src';
import type { ChatChunk } from '../../../../libs/core/src';
import { ProviderError } from '../../../../libs/providers/src';

/** True for a chunk that carries part of the answer (text, refusal, a tool call or the finish). */
export function hasContent(chunk: ChatChunk): boolean {
  return (chunk.choices ?? []).some((c) => Boolean(c.delta?.content || c.delta?.refusal || c.delta?.tool_calls?.length || c.finish_reason));
}

/**
 * Enforces the gateway-side stream timeouts on a provider's iterator: time to first token (first
 * content chunk, counted from `startedAt`), the longest gap between chunks once content flows, and
 * the whole call. On expiry the upstream call is aborted and the pending `next()` rejects with a
 * `timeout` ProviderError (mid-stream when content had been seen), so the caller can fail over.
 */
export function guardStream(source: AsyncIterator<ChatChunk>, timeouts: TimeoutSpec, abort: AbortController, elapsedMs: () => number): AsyncIterator<ChatChunk> {
  let seenContent = false;
  return {
    async next() {
      const limits: Array<{ ms: number; what: string }> = [];
      if (!seenContent && timeouts.ttftMs !== undefined) limits.push({ ms: timeouts.ttftMs - elapsedMs(), what: 'time to first token' });
      if (seenContent && timeouts.idleMs !== undefined) limits.push({ ms: timeouts.idleMs, what: 'idle gap between chunks' });
      if (timeouts.totalMs !== undefined) limits.push({ ms: timeouts.totalMs - elapsedMs(), what: 'total time' });
      const pending = source.next();
      if (limits.length === 0) return track(await pending);
      const tightest = limits.reduce((a, b) => (b.ms < a.ms ? b : a));
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          pending.catch(() => undefined); // rejects once aborted; nobody waits for it any more
          abort.abort();
          reject(new ProviderError('timeout', `Upstream exceeded its ${tightest.what} (${Math.round(tightest.ms)} ms).`, undefined, undefined, seenContent));
        }, Math.max(0, tightest.ms));
      });
      try {
        return track(await Promise.race([pending, expired]));
      } finally {
        clearTimeout(timer);
      }
    },
    async return(value?: unknown) {
      abort.abort();
      await source.return?.(value).catch(() => undefined);
      return { done: true, value: undefined };
    },
  };

  function track(result: IteratorResult<ChatChunk>): IteratorResult<ChatChunk> {
    if (!result.done && hasContent(result.value)) seenContent = true;
    return result;
  }
}
