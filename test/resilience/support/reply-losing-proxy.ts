import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of Redis that can lose one reply: once armed, the first command
 * the client sends that `matches` reaches Redis (which runs it), and the connection is cut when Redis
 * answers, before the answer reaches the client. The client sees a command whose outcome it does not
 * know, as when a network drops a reply; whatever it or its caller retries then runs again. With
 * `refuseForMs`, the proxy stops listening for that long after the cut (connections are refused), so
 * a client that would resend the command on its next connection gives up on it first (ioredis after
 * `maxRetriesPerRequest` + 1 failed reconnects) and its caller gets the error.
 */
export class ReplyLosingProxy {
  private armed: { matches: (command: string) => boolean; refuseForMs: number } | undefined;
  private readonly sockets = new Set<Socket>();
  /** Replies lost so far. */
  lost = 0;

  private server: Server | undefined;
  private reopening: NodeJS.Timeout | undefined;
  port = 0;

  private constructor(
    private readonly targetPort: number,
    private readonly targetHost: string,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<ReplyLosingProxy> {
    const proxy = new ReplyLosingProxy(targetPort, targetHost);
    await proxy.listen(0);
    return proxy;
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((client) => this.accept(client, this.targetHost, this.targetPort));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Stops listening (existing connections stay) and listens again on the same port after `ms`. */
  private refuse(ms: number): void {
    this.server?.close();
    this.server = undefined;
    this.reopening = setTimeout(() => void this.listen(this.port), ms);
  }

  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  /** Loses the reply to the next command (as sent on the wire, RESP) that `matches`. */
  loseNextReply(matches: (command: string) => boolean, refuseForMs = 0): void {
    this.armed = { matches, refuseForMs };
  }

  async close(): Promise<void> {
    clearTimeout(this.reopening);
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket, host: string, port: number): void {
    const upstream = connect(port, host);
    this.sockets.add(client).add(upstream);
    let losing: { refuseForMs: number } | undefined;
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.on('data', (chunk: Buffer) => {
      if (this.armed?.matches(chunk.toString('latin1'))) {
        losing = this.armed;
        this.armed = undefined;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (losing) {
        this.lost++;
        if (losing.refuseForMs > 0) this.refuse(losing.refuseForMs);
        end();
        return;
      }
      client.write(chunk);
    });
  }
}
