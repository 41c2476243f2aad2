import { performance } from 'node:perf_hooks';
import type { TimeoutSpec } from '../../../../libs/config/src';
import type { ChatChunk } from '../../../../libs/core/src';
import { ProviderError } from '../../../../libs/providers/src';

/** True for a chunk that carries part of the answer (text, refusal, a tool call or the finish). */
export function hasContent(chunk: ChatChunk): boolean {
  const choices = chunk.choices;
  if (!choices) return false;
  for (const c of choices) {
    const d = c.delta;
    if (c.finish_reason || (d && (d.content || d.refusal || d.tool_calls?.length))) return true;
  }
  return false;
}

/**
 * True for a chunk that shows the client something: part of the answer (hasContent) or readable
 * reasoning, `reasoning_content` (Claude's thinking through the Anthropic adapter, DeepSeek's) or
 * `reasoning` (OpenRouter's), both passed on as they come. This is the stream's first token: what the
 * time-to-first-token limit waits for and what `ttft_ms` measures. A thinking phase that sends nothing
 * readable (Claude's omitted or redacted thinking, a role-only opening chunk) is not.
 */
export function hasOutput(chunk: ChatChunk): boolean {
  if (hasContent(chunk)) return true;
  const choices = chunk.choices;
  if (!choices) return false;
  for (const c of choices) {
    const d = c.delta as (typeof c.delta & { reasoning_content?: unknown; reasoning?: unknown }) | undefined;
    if (d && ((typeof d.reasoning_content === 'string' && d.reasoning_content !== '') || (typeof d.reasoning === 'string' && d.reasoning !== ''))) return true;
  }
  return false;
}

/** setTimeout's longest delay; a longer limit fires early and re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Waiter {
  resolve(result: IteratorResult<ChatChunk>): void;
  reject(err: unknown): void;
}

/**
 * Enforces the gateway-side stream timeouts on a provider's iterator: time to first token (the first
 * chunk that shows the client something, readable reasoning included: hasOutput; counted from
 * `startedAt`), the longest gap between chunks once output flows, and the whole call. On expiry the
 * upstream call is aborted and the pending `next()` rejects with a `timeout` ProviderError (mid-stream
 * when output had been seen), so the caller can fail over.
 *
 * Per chunk it only moves a deadline: one timer serves the whole stream. When it fires before the
 * current deadline (an idle gap was reset by chunks since), it re-arms for the rest; so a stream of
 * thousands of chunks sets a handful of timers, not one per chunk. Without any limit the source's
 * own iterator is used as is.
 */
export function guardStream(source: AsyncIterator<ChatChunk>, timeouts: TimeoutSpec, abort: AbortController, elapsedMs: () => number): AsyncIterator<ChatChunk> {
  const { ttftMs, idleMs, totalMs } = timeouts;
  if (ttftMs === undefined && idleMs === undefined && totalMs === undefined) {
    return {
      next: () => source.next(),
      async return(value?: unknown) {
        abort.abort();
        await source.return?.(value).catch(() => undefined);
        return { done: true, value: undefined };
      },
    };
  }
  /** Whether output (hasOutput) has come: the first-token limit gives way to the idle one. */
  let seenOutput = false;
  let waiter: Waiter | undefined;
  /** The current wait's limit: when it expires (performance.now() ms), what it is, and its length. */
  let deadline = 0;
  let what = '';
  let limitMs = 0;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let failed = false;

  const onTimer = () => {
    timer = undefined;
    timerAt = Infinity;
    if (!waiter) return; // between two next() calls nothing is timed; the next wait re-arms
    const now = performance.now();
    if (now < deadline) return arm(now);
    const pending = waiter;
    waiter = undefined;
    failed = true;
    abort.abort();
    pending.reject(timeoutError());
  };

  function timeoutError(): ProviderError {
    return new ProviderError('timeout', `Upstream exceeded its ${what} (${Math.round(limitMs)} ms).`, undefined, undefined, seenOutput);
  }

  function arm(now: number): void {
    if (deadline === Infinity) return; // no limit applies to this wait (a running timer finds so and stops)
    if (timer !== undefined && timerAt <= deadline) return; // fires early at worst, then re-arms
    if (timer !== undefined) clearTimeout(timer);
    timerAt = deadline;
    timer = setTimeout(onTimer, Math.min(MAX_TIMER_MS, Math.max(0, deadline - now)));
  }

  /** The tightest limit for the wait starting now, as the limits stood when it started. */
  function setDeadline(now: number): void {
    let ms = Infinity;
    if (!seenOutput && ttftMs !== undefined && ttftMs - elapsedMs() < ms) {
      ms = ttftMs - elapsedMs();
      what = 'time to first token';
    }
    if (seenOutput && idleMs !== undefined && idleMs < ms) {
      ms = idleMs;
      what = 'idle gap between chunks';
    }
    if (totalMs !== undefined && totalMs - elapsedMs() < ms) {
      ms = totalMs - elapsedMs();
      what = 'total time';
    }
    limitMs = ms;
    deadline = now + ms;
  }

  const settle = (result: IteratorResult<ChatChunk>) => {
    const pending = waiter;
    if (!pending) return; // expired meanwhile: the caller already has the timeout
    waiter = undefined;
    if (!result.done && !seenOutput && hasOutput(result.value)) seenOutput = true;
    if (result.done) stop();
    pending.resolve(result);
  };
  const fail = (err: unknown) => {
    const pending = waiter;
    if (!pending) return;
    waiter = undefined;
    stop();
    pending.reject(err);
  };

  function stop(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    timerAt = Infinity;
  }

  return {
    next() {
      if (failed) return Promise.reject(timeoutError());
      const now = performance.now();
      setDeadline(now);
      return new Promise<IteratorResult<ChatChunk>>((resolve, reject) => {
        waiter = { resolve, reject };
        arm(now);
        source.next().then(settle, fail);
      });
    },
    async return(value?: unknown) {
      stop();
      abort.abort();
      await source.return?.(value).catch(() => undefined);
      return { done: true, value: undefined };
    },
  };
}
