import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSpool } from './file-spool';

interface Entry {
  id: string;
}
const isEntry = (v: unknown): v is Entry => typeof (v as Entry | null)?.id === 'string';

describe('FileSpool', () => {
  const path = () => join(mkdtempSync(join(tmpdir(), 'spool-')), 'nested', 'j.jsonl');

  it('hands back what a previous process appended and did not clear', async () => {
    const file = path();
    const first = FileSpool.open<Entry>({ path: file }, isEntry);
    expect(first.recovered).toEqual([]);
    first.spool.append([{ id: 'a' }, { id: 'b' }]);
    first.spool.append([{ id: 'c' }]);
    await first.spool.sync();
    // no close: as after a crash
    const second = FileSpool.open<Entry>({ path: file }, isEntry);
    expect(second.recovered.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    await first.spool.close();
    await second.spool.close();
  });

  it('skips a torn last line and lines that are not entries', async () => {
    const file = path();
    const { spool } = FileSpool.open<Entry>({ path: file }, isEntry);
    spool.append([{ id: 'a' }]);
    await spool.close();
    appendFileSync(file, '{"nope":1}\n{"id":"b"}\n{"id":"tor');
    expect(FileSpool.open<Entry>({ path: file }, isEntry).recovered.map((e) => e.id)).toEqual(['a', 'b']);
  });

  it('clear empties the journal and appends continue after it', async () => {
    const file = path();
    const { spool } = FileSpool.open<Entry>({ path: file }, isEntry);
    spool.append([{ id: 'a' }, { id: 'b' }]);
    spool.clear();
    expect(spool.journaled).toBe(0);
    spool.append([{ id: 'c' }]);
    await spool.close();
    expect(readFileSync(file, 'utf8')).toBe('{"id":"c"}\n');
  });

  it('rewrite keeps only the given entries', async () => {
    const file = path();
    const { spool } = FileSpool.open<Entry>({ path: file }, isEntry);
    spool.append([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    spool.rewrite([{ id: 'b' }]);
    spool.append([{ id: 'd' }]);
    expect(spool.journaled).toBe(2);
    await spool.close();
    expect(FileSpool.open<Entry>({ path: file }, isEntry).recovered.map((e) => e.id)).toEqual(['b', 'd']);
  });

  it('returns before the file is written, and writes in call order', async () => {
    const file = path();
    const { spool } = FileSpool.open<Entry>({ path: file }, isEntry);
    spool.append([{ id: 'a' }]);
    // Nothing reaches the file on the caller's turn: the write runs on the thread pool.
    expect(readFileSync(file, 'utf8')).toBe('');
    spool.clear();
    spool.append([{ id: 'b' }]);
    spool.rewrite([{ id: 'b' }, { id: 'c' }]);
    spool.append([{ id: 'd' }]);
    await spool.settled();
    expect(readFileSync(file, 'utf8')).toBe('{"id":"b"}\n{"id":"c"}\n{"id":"d"}\n');
    spool.clear();
    spool.append([{ id: 'e' }]);
    await spool.close();
    expect(readFileSync(file, 'utf8')).toBe('{"id":"e"}\n');
  });

  it('a truncation waiting on the disk does not lose lines appended meanwhile', async () => {
    const file = path();
    const { spool } = FileSpool.open<Entry>({ path: file }, isEntry);
    const ids: string[] = [];
    for (let round = 0; round < 50; round++) {
      const batch = Array.from({ length: 20 }, (_, i) => ({ id: `${round}-${i}` }));
      spool.append(batch);
      if (round % 2 === 0) void spool.sync();
      if (round % 5 === 4) {
        spool.clear();
        ids.length = 0;
      } else ids.push(...batch.map((e) => e.id));
      if (round % 3 === 0) await new Promise((r) => setImmediate(r));
    }
    await spool.close();
    expect(FileSpool.open<Entry>({ path: file }, isEntry).recovered.map((e) => e.id)).toEqual(ids);
  });

  it('reports a failed write instead of throwing, and keeps accepting calls', async () => {
    const file = path();
    const errors: unknown[] = [];
    const { spool } = FileSpool.open<Entry>({ path: file, onError: (err) => errors.push(err) }, isEntry);
    spool.rewrite([{ id: 'a' }]);
    const internals = spool as unknown as { fd: number };
    await spool.settled();
    const realFd = internals.fd;
    internals.fd = 987_654; // not an open descriptor: the next write fails with EBADF
    spool.append([{ id: 'lost' }]);
    await spool.settled();
    expect(errors).toHaveLength(1);
    expect((errors[0] as NodeJS.ErrnoException).code).toBe('EBADF');
    internals.fd = realFd;
    spool.append([{ id: 'b' }]);
    await spool.close();
    expect(readFileSync(file, 'utf8')).toBe('{"id":"a"}\n{"id":"b"}\n');
  });
});
