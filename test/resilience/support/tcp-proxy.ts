import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a shared service (Postgres, Redis) that a test can break
 * without touching the service other tests use: `cut()` drops every connection and refuses new ones,
 * `pause()` keeps connections open but stops forwarding bytes (a service that hangs), `resume()`
 * restores both. `strand()` is a failover or a network partition healed on a new path: the open
 * connections stay open and carry nothing ever again, new ones work.
 */
export class TcpProxy {
  private mode: 'open' | 'cut' | 'paused' = 'open';
  private readonly pairs = new Set<{ client: Socket; upstream?: Socket }>();
  private readonly waiting: Array<() => void> = [];
  private readonly stranded = new Set<{ client: Socket; upstream?: Socket }>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => proxy!.accept(client, targetHost, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new TcpProxy(server, (server.address() as AddressInfo).port);
    return proxy;
  }

  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  get connections(): number {
    return this.pairs.size;
  }

  cut(): void {
    this.mode = 'cut';
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
    this.pairs.clear();
  }

  pause(): void {
    this.mode = 'paused';
    for (const { client, upstream } of this.pairs) {
      if (!upstream) continue;
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  strand(): void {
    for (const pair of this.pairs) {
      const { client, upstream } = pair;
      if (upstream) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        upstream.pause();
      }
      client.pause();
      // Forgotten: neither resume() nor cut() reaches them; close() still ends them.
      this.pairs.delete(pair);
      this.stranded.add(pair);
    }
  }

  resume(): void {
    this.mode = 'open';
    for (const { client, upstream } of this.pairs) {
      if (!upstream) continue;
      client.pipe(upstream);
      upstream.pipe(client);
    }
    for (const start of this.waiting.splice(0)) start();
  }

  async close(): Promise<void> {
    this.cut();
    for (const pair of this.stranded) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
    this.stranded.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, host: string, port: number): void {
    if (this.mode === 'cut') {
      client.destroy();
      return;
    }
    const pair: { client: Socket; upstream?: Socket } = { client };
    this.pairs.add(pair);
    client.on('error', () => undefined);
    client.on('close', () => {
      pair.upstream?.destroy();
      this.pairs.delete(pair);
    });
    const start = () => {
      if (client.destroyed) return;
      const upstream = connect(port, host);
      pair.upstream = upstream;
      upstream.on('error', () => client.destroy());
      upstream.on('close', () => client.destroy());
      if (this.mode === 'paused') {
        client.pause();
        upstream.pause();
      } else {
        client.pipe(upstream);
        upstream.pipe(client);
      }
    };
    if (this.mode === 'paused') {
      client.pause();
      this.waiting.push(start);
    } else start();
  }
}
