import Redis from 'ioredis';

/** ioredis options for a redis:// URL (BullMQ requires maxRetriesPerRequest null on blocking connections). */
export function redisConnection(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    maxRetriesPerRequest: null,
  };
}

/**
 * A Redis client for a BullMQ Queue that this process owns, with an 'error' listener that stays for
 * the client's whole life. BullMQ removes its own listener when a queue closes, and a reply that
 * arrives after that (a depth probe cut short by an outage) made ioredis emit an 'error' nobody
 * listened to ("Command queue state error"), which crashes a process. Pass it as the queue's
 * `connection` (BullMQ then leaves it open) and end it with `endOwnedRedis` after the queue closes.
 */
export function ownedRedisClient(url: string, onError: (err: Error) => void = () => undefined, options: { offlineQueue?: boolean } = {}): Redis {
  const client = new Redis({ ...redisConnection(url), enableOfflineQueue: options.offlineQueue ?? false });
  client.on('error', onError);
  return client;
}

/** Quits, or drops the connection when Redis does not answer; the error listener stays. */
export async function endOwnedRedis(client: Redis, timeoutMs = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      client.disconnect();
      resolve();
    }, timeoutMs);
  });
  await Promise.race([client.quit().then(() => undefined, () => client.disconnect()), timeout]);
  clearTimeout(timer);
}
