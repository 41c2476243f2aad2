import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

/**
 * The practical floor for a Node proxy: an `http` server that forwards the body to the upstream
 * through a keep-alive undici pool and streams the answer back as it arrives. No parsing at all.
 */
export async function startPassThrough(upstream: string, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const pool = new Pool(upstream, { connections: null, pipelining: 1, keepAliveTimeout: 30_000 });
  const server = createServer(async (req, res) => {
    try {
      const parts: Buffer[] = [];
      for await (const part of req) parts.push(part as Buffer);
      const up = await pool.request({ path: req.url ?? '/', method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(parts) });
      res.on('close', () => up.body.destroy());
      res.writeHead(up.statusCode, { 'content-type': String(up.headers['content-type'] ?? 'application/json') });
      for await (const piece of up.body) res.write(piece);
      res.end();
    } catch {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await pool.close();
    },
  };
}

if (require.main === module) {
  startPassThrough(process.argv[2]).then(({ url }) => process.send?.({ ready: url }));
}
