import { createHash } from 'node:crypto';
import { sha256Hex } from './access.service';

describe('sha256Hex', () => {
  it('is the SHA-256 hex digest (the stored form of every key)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    for (const key of ['sk-local-1', 'ключ', '']) expect(sha256Hex(key)).toBe(createHash('sha256').update(key).digest('hex'));
  });
});
