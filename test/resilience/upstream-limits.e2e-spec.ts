import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderError } from '../../libs/providers/src';
import { parseSse } from '../../libs/providers/src/http/sse';
import { postJson, readText } from '../../libs/providers/src/http/upstream-client';

async function* endless(piece: string): AsyncGenerator<string> {
  for (;;) yield piece;
}

async function drain(events: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of events) n++;
  return n;
}

/** Upstream answers that are endless or oversized fail with a ProviderError instead of growing memory. */
describe('limits on what an upstream may send', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('x'.repeat(2 * 1024 * 1024));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('an endless stream of small events stops at the total cap', async () => {
    await expect(drain(parseSse(endless('data: {"a":1}\n\n'), { maxTotalChars: 100_000 }))).rejects.toThrow(/exceeded 100000 characters/);
  });

  it('one event that never ends stops at the event cap', async () => {
    const failure = drain(parseSse(endless('data: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'), { maxEventChars: 10_000 }));
    await expect(failure).rejects.toBeInstanceOf(ProviderError);
    await expect(failure).rejects.toMatchObject({ kind: 'malformed_response' });
  });

  it('events within the caps pass', async () => {
    const events = async function* () {
      for (let i = 0; i < 100; i++) yield `data: ${i}\n\n`;
    };
    expect(await drain(parseSse(events(), { maxEventChars: 50, maxTotalChars: 10_000 }))).toBe(100);
  });

  it('a non-streamed answer larger than the cap is malformed', async () => {
    const res = await postJson(url, {}, { model: 'x' });
    await expect(readText(res.body, 1024 * 1024)).rejects.toMatchObject({ kind: 'malformed_response' });
    const again = await postJson(url, {}, { model: 'x' });
    expect((await readText(again.body)).length).toBe(2 * 1024 * 1024);
  });

  it('a request nested too deeply to serialize is the client’s error, not a connection failure', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    await expect(postJson(url, {}, { deep })).rejects.toMatchObject({ kind: 'bad_request' });
  });
});
