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
});
