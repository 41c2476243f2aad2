import type { ChatChunk } from '../../../../libs/core/src';
import { ProviderError } from '../../../../libs/providers/src';
import { guardStream, hasContent, hasOutput } from './guard-stream';

const chunk = (content: string): ChatChunk => ({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null, logprobs: null }] });

const withDelta = (delta: Record<string, unknown>): ChatChunk => ({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta, finish_reason: null, logprobs: null }] });

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

describe('the first token: readable reasoning counts, a silent thinking phase does not', () => {
  it('hasOutput: the answer, or reasoning the client can read (reasoning_content, OpenRouter\'s reasoning)', () => {
    expect(hasOutput(withDelta({ reasoning_content: 'Let me think.' }))).toBe(true);
    expect(hasOutput(withDelta({ reasoning: 'Let me think.' }))).toBe(true);
    expect(hasOutput(chunk('a'))).toBe(true);
    // Nothing to read: a role-only opening, empty reasoning (omitted thinking), the blocks alone, no choices.
    expect(hasOutput(withDelta({ role: 'assistant', content: '' }))).toBe(false);
    expect(hasOutput(withDelta({ reasoning_content: '' }))).toBe(false);
    expect(hasOutput(withDelta({ thinking_blocks: [{ type: 'redacted_thinking', data: 'abc' }] }))).toBe(false);
    expect(hasOutput({ ...chunk('a'), choices: [] })).toBe(false);
    // Reasoning is output, not part of the answer.
    expect(hasContent(withDelta({ reasoning_content: 'Let me think.' }))).toBe(false);
  });

  it.each([
    ['reasoning_content', { reasoning_content: 'Let me think.' }],
    ['reasoning', { reasoning: 'Let me think.' }],
  ])('after readable %s the first-token limit is met: a stall is an idle gap, mid-stream', async (_name, delta) => {
    const abort = new AbortController();
    // A first-token limit that never expires in this test, a short idle one: which one fires says which applies.
    const guarded = guardStream(thenSilence([withDelta({ role: 'assistant', content: '' }), withDelta(delta)]), { ttftMs: 60_000, idleMs: 20 }, abort, () => 0);
    await guarded.next();
    await guarded.next();
    const err = await guarded.next().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'timeout', midStream: true });
    expect((err as Error).message).toMatch(/idle gap/);
  });

  it('a thinking phase that sends nothing readable is still waiting for its first token', async () => {
    const abort = new AbortController();
    const silent = [withDelta({ role: 'assistant', content: '' }), withDelta({ reasoning_content: '' }), withDelta({ thinking_blocks: [{ type: 'redacted_thinking', data: 'abc' }] })];
    const guarded = guardStream(thenSilence(silent), { ttftMs: 20, idleMs: 60_000 }, abort, () => 0);
    for (let i = 0; i < silent.length; i++) await guarded.next();
    const err = await guarded.next().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'timeout', midStream: false });
    expect((err as Error).message).toMatch(/time to first token/);
    expect(abort.signal.aborted).toBe(true);
  });
});

describe('guardStream: one timer per stream', () => {
  /** Yields `count` content chunks, `gapMs` apart, then finishes. */
  function paced(count: number, gapMs: number): AsyncIterator<ChatChunk> {
    let i = 0;
    return {
      next: () =>
        new Promise((resolve) =>
          setTimeout(() => resolve(i < count ? { done: false, value: chunk(String(i++)) } : { done: true, value: undefined }), gapMs),
        ),
    };
  }

  it('a stream whose chunks keep coming within the idle limit is never cut, however long it lasts in all', async () => {
    const abort = new AbortController();
    // 30 chunks 5 ms apart = about 150 ms in all, with an idle limit of 40 ms: every gap is inside it.
    const guarded = guardStream(paced(30, 5), { idleMs: 40, ttftMs: 1_000 }, abort, () => 0);
    let chunks = 0;
    for (let n = await guarded.next(); !n.done; n = await guarded.next()) chunks++;
    expect(chunks).toBe(30);
    expect(abort.signal.aborted).toBe(false);
  });

  it('sets a handful of timers for a long stream, not one per chunk', async () => {
    const spy = jest.spyOn(global, 'setTimeout');
    try {
      const abort = new AbortController();
      let i = 0;
      // An immediate source: 500 chunks, each resolved at once.
      const source: AsyncIterator<ChatChunk> = { next: () => Promise.resolve(i < 500 ? { done: false, value: chunk(String(i++)) } : { done: true, value: undefined }) };
      const guarded = guardStream(source, { idleMs: 10_000, totalMs: 60_000 }, abort, () => 0);
      for (let n = await guarded.next(); !n.done; n = await guarded.next());
      expect(spy.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('the total limit still cuts a stream whose chunks keep coming', async () => {
    const abort = new AbortController();
    let elapsed = 0;
    const started = Date.now();
    const guarded = guardStream(paced(1_000, 5), { idleMs: 1_000, totalMs: 60 }, abort, () => (elapsed = Date.now() - started));
    let chunks = 0;
    const err = await (async () => {
      for (let n = await guarded.next(); !n.done; n = await guarded.next()) chunks++;
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'timeout', midStream: true });
    expect((err as Error).message).toMatch(/total time/);
    expect(chunks).toBeGreaterThan(0);
    expect(chunks).toBeLessThan(1_000);
    expect(elapsed).toBeGreaterThan(0);
    expect(abort.signal.aborted).toBe(true);
  });

  it('without limits hands out the source iterator\'s own results', async () => {
    const abort = new AbortController();
    const guarded = guardStream(thenSilence([chunk('a')]), {}, abort, () => 0);
    expect((await guarded.next()).value).toEqual(chunk('a'));
    await guarded.return?.();
    expect(abort.signal.aborted).toBe(true);
  });
});
