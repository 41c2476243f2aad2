import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderError } from '../provider';
import { closeUpstreamAgent, postJson, readText } from './upstream-client';

describe('postJson', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ url?: string; headers: Record<string, unknown>; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ url: req.url, headers: req.headers, body });
        if (req.url?.startsWith('/hang')) return; // never answers
        if (req.url?.startsWith('/pieces')) {
          // A body in several writes, one multi-byte character split across two of them.
          res.writeHead(200, { 'content-type': 'application/json' });
          const euro = Buffer.from('€');
          res.write(Buffer.concat([Buffer.from('{"price":"'), euro.subarray(0, 1)]));
          setTimeout(() => {
            res.write(euro.subarray(1));
            setTimeout(() => res.end('42"}'), 5);
          }, 5);
          return;
        }
        if (req.url?.startsWith('/cut')) {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
          res.write('{"partial":');
          setTimeout(() => res.destroy(), 5);
          return;
        }
        if (req.url?.startsWith('/trickle')) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write('data: 1\n\n');
          return; // headers and one event, then nothing
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await closeUpstreamAgent();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('sends the path and query, JSON headers and the provider headers, the same on every call', async () => {
    const headers = { authorization: 'Bearer k' };
    for (let i = 0; i < 2; i++) {
      const res = await postJson(`${base}/v1/chat?x=1`, headers, { n: i });
      expect(await readText(res.body)).toBe('{"ok":true}');
    }
    const last = seen.slice(-2);
    for (const [i, r] of last.entries()) {
      expect(r.url).toBe('/v1/chat?x=1');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers.authorization).toBe('Bearer k');
      expect(r.body).toBe(JSON.stringify({ n: i }));
    }
    expect(headers).toEqual({ authorization: 'Bearer k' });
  });

  it('releases the caller signal once the body is read', async () => {
    const controller = new AbortController();
    const res = await postJson(`${base}/ok`, {}, {}, { signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort').length).toBe(1);
    await readText(res.body);
    expect(getEventListeners(controller.signal, 'abort').length).toBe(0);
  });

  it('reads a body that arrives in pieces, a character split across them included', async () => {
    const res = await postJson(`${base}/pieces`, {}, {});
    expect(await readText(res.body)).toBe('{"price":"€42"}');
  });

  it('a body over the size bound fails as malformed and is not read further', async () => {
    const res = await postJson(`${base}/ok`, {}, {});
    const err = await readText(res.body, 5).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('malformed_response');
    expect(res.body.destroyed).toBe(true);
  });

  it('a body cut off before its end fails as a connection error', async () => {
    const res = await postJson(`${base}/cut`, {}, {});
    const err = await readText(res.body).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('connection');
  });

  it('the total timeout rejects a call that gets no answer as a timeout', async () => {
    const err = await postJson(`${base}/hang`, {}, {}, { timeouts: { totalMs: 100 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('timeout');
  });

  it('the total timeout also covers the body', async () => {
    const res = await postJson(`${base}/trickle`, {}, {}, { timeouts: { totalMs: 150 } });
    const err = await readText(res.body).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('timeout');
  });

  it("the caller's abort stops a call in flight", async () => {
    const controller = new AbortController();
    const pending = postJson(`${base}/hang`, {}, {}, { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 20);
    const err = await pending;
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).message).toMatch(/aborted/);
  });

  describe('with the caller\'s own controller (one per attempt)', () => {
    it('adds no listener to it, and its abort stops the call', async () => {
      const abort = new AbortController();
      const res = await postJson(`${base}/ok`, {}, {}, { signal: abort.signal, abort });
      expect(getEventListeners(abort.signal, 'abort').length).toBeLessThanOrEqual(1); // undici's own, while the call runs
      await readText(res.body);
      const own = new AbortController();
      const pending = postJson(`${base}/hang`, {}, {}, { signal: own.signal, abort: own }).catch((e: unknown) => e);
      setTimeout(() => own.abort(), 20);
      expect(((await pending) as ProviderError).message).toMatch(/aborted/);
    });

    it('the total timeout aborts it as a timeout, headers or body', async () => {
      const abort = new AbortController();
      const err = await postJson(`${base}/hang`, {}, {}, { signal: abort.signal, abort, timeouts: { totalMs: 100 } }).catch((e: unknown) => e);
      expect((err as ProviderError).kind).toBe('timeout');
      expect(abort.signal.aborted).toBe(true);
      const body = new AbortController();
      const res = await postJson(`${base}/trickle`, {}, {}, { signal: body.signal, abort: body, timeouts: { totalMs: 150 } });
      expect(((await readText(res.body).catch((e: unknown) => e)) as ProviderError).kind).toBe('timeout');
    });

    it('a controller that is not the signal\'s own is not used', async () => {
      const outer = new AbortController();
      const stranger = new AbortController();
      const res = await postJson(`${base}/ok`, {}, {}, { signal: outer.signal, abort: stranger, timeouts: { totalMs: 50 } });
      await readText(res.body);
      await new Promise((r) => setTimeout(r, 80));
      expect(stranger.signal.aborted).toBe(false);
    });
  });
});
