import { InMemoryThoughtSignatureStore } from './thought-signature-store';

describe('InMemoryThoughtSignatureStore', () => {
  it('gives a signature back to the model that issued it, and to no other', () => {
    const store = new InMemoryThoughtSignatureStore();
    store.remember('call_a', 'gemini-3-flash-preview', 'SIG_A');
    expect(store.recall('call_a', 'gemini-3-flash-preview')).toBe('SIG_A');
    expect(store.recall('call_a', 'gemini-3-pro-preview')).toBeUndefined();
    expect(store.recall('call_b', 'gemini-3-flash-preview')).toBeUndefined();
  });

  it('replaces what an id held', () => {
    const store = new InMemoryThoughtSignatureStore({ maxEntries: 10, maxChars: 10 });
    store.remember('call_a', 'm', 'AAAA');
    store.remember('call_a', 'm', 'BBBBBB');
    expect(store.recall('call_a', 'm')).toBe('BBBBBB');
    store.remember('call_b', 'm', 'CCCC');
    expect(store.recall('call_a', 'm')).toBe('BBBBBB'); // 6 + 4 characters fit: the replaced 4 were released
    expect(store.size).toBe(2);
  });

  it('evicts the least recently used beyond its entry bound', () => {
    const store = new InMemoryThoughtSignatureStore({ maxEntries: 2, maxChars: 1000 });
    store.remember('call_1', 'm', 'S1');
    store.remember('call_2', 'm', 'S2');
    store.recall('call_1', 'm');
    store.remember('call_3', 'm', 'S3');
    expect(store.recall('call_2', 'm')).toBeUndefined();
    expect(store.recall('call_1', 'm')).toBe('S1');
    expect(store.recall('call_3', 'm')).toBe('S3');
  });

  it('evicts the oldest beyond its character bound, and keeps nothing larger than the bound', () => {
    const store = new InMemoryThoughtSignatureStore({ maxEntries: 100, maxChars: 10 });
    store.remember('call_1', 'm', 'x'.repeat(4));
    store.remember('call_2', 'm', 'y'.repeat(4));
    store.remember('call_3', 'm', 'z'.repeat(4));
    expect(store.recall('call_1', 'm')).toBeUndefined();
    expect(store.recall('call_2', 'm')).toBe('yyyy');
    store.remember('call_4', 'm', 'w'.repeat(11));
    expect(store.recall('call_4', 'm')).toBeUndefined();
    expect(store.size).toBe(2);
  });
});
