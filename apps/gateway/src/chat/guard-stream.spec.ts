import type { ChatChunk } from '../../../../libs/core/src';
import { ProviderError } from '../../../../libs/providers/src';
import { guardStream } from './guard-stream';

const chunk = (content: string): ChatChunk => ({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null, logprobs: null }] });

/** Yields the given chunks, then never answers again. */
function thenSilence(chunks: ChatChunk[]): AsyncIterator<ChatChunk> {
  let i = 0;
  return { next: () => (i < chunks.length ? Promise.resolve({ done: false, value: chunks[i++] }) : new Promise(() => undefined)) };
}

describe('guardStream', () => {
  it('a stall after content is a mid-stream timeout, and aborts the upstream call', async () => {
    const abort = new AbortController();
    const guarded = guardStream(thenSilence([chunk('a')]), { idleMs: 20 }, abort, () => 0);
    expect((await guarded.next()).value).toEqual(chunk('a'));
    const err = await guarded.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'timeout', midStream: true });
    expect(abort.signal.aborted).toBe(true);
  });

  it('no first token in time is a timeout before content (a plain fallback)', async () => {
    const abort = new AbortController();
    const guarded = guardStream(thenSilence([]), { ttftMs: 20, idleMs: 10_000 }, abort, () => 0);
    await expect(guarded.next()).rejects.toMatchObject({ kind: 'timeout', midStream: false });
  });
});
