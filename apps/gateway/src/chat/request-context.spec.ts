import { ClientGone } from './request-context';

describe('ClientGone', () => {
  it('calls each listener once when the client goes away, none removed before, none after', () => {
    const gone = new ClientGone();
    const calls: string[] = [];
    const a = () => calls.push('a');
    const b = () => calls.push('b');
    gone.addEventListener('abort', a, { once: true });
    gone.addEventListener('abort', b);
    gone.removeEventListener('abort', b);
    expect(gone.aborted).toBe(false);
    gone.abort();
    gone.abort();
    expect(gone.aborted).toBe(true);
    expect(calls).toEqual(['a']);
    // As with an AbortSignal, a listener added after the abort is never called: callers check `aborted` first.
    gone.addEventListener('abort', () => calls.push('late'));
    expect(calls).toEqual(['a']);
  });
});
