import type Redis from 'ioredis';
import { endOwnedRedis, ownedRedisClient } from './redis-connection';
import { withTimeout } from '../../core/src/with-timeout';

/**
 * Workers announce on this Redis channel that learned statistics changed (a score batch or feedback
 * committed), so gateways read them at once instead of at their next poll. The message carries
 * nothing: Postgres stays the one source of truth, the poll stays the backstop when a message is lost.
 */
export function learningChannel(prefix = 'bull'): string {
  return `${prefix}:scoring:learned`;
}

/**
 * Calls `fn` at most once per `intervalMs`: the first call runs at once, calls within the interval
 * become one trailing call at its end. `schedule` is the timer (injected for tests).
 */
export function throttle(
  fn: () => void,
  intervalMs: number,
  schedule: (run: () => void, ms: number) => { unref?(): unknown } = (run, ms) => setTimeout(run, ms),
): { (): void; cancel(): void } {
  let coolingDown = false;
  let pending = false;
  let cancelled = false;
  const cool = () => {
    coolingDown = true;
    const timer = schedule(() => {
      coolingDown = false;
      if (pending && !cancelled) {
        pending = false;
        fn();
        cool();
      }
    }, intervalMs);
    timer.unref?.();
  };
  const call = () => {
    if (cancelled) return;
    if (coolingDown) {
      pending = true;
      return;
    }
    fn();
    cool();
  };
  call.cancel = () => {
    cancelled = true;
  };
  return call;
}

/** How often a worker announces at most: a busy worker commits many batches a second. */
export const SIGNAL_MIN_INTERVAL_MS = 20;

/** The worker's side: `changed()` after every commit that moved a statistic; publishes are throttled. */
export class LearningSignalPublisher {
  private readonly client: Redis;
  private readonly channel: string;
  readonly changed: { (): void; cancel(): void };

  constructor(redisUrl: string, prefix?: string, intervalMs = SIGNAL_MIN_INTERVAL_MS) {
    this.client = ownedRedisClient(redisUrl);
    this.channel = learningChannel(prefix);
    // A lost announcement costs at most one poll period of delay: never worth an error.
    this.changed = throttle(() => void this.client.publish(this.channel, '1').catch(() => undefined), intervalMs);
  }

  async close(): Promise<void> {
    this.changed.cancel();
    await endOwnedRedis(this.client);
  }
}

/** The gateway's side: `onSignal` runs for every announcement (throttle it where the work is). */
export class LearningSignalSubscriber {
  private readonly client: Redis;
  private readonly channel: string;

  constructor(redisUrl: string, prefix: string | undefined, onSignal: () => void) {
    // Its own connection: a subscribed ioredis client can run no other command. Offline queue on, so a
    // SUBSCRIBE sent while Redis is down goes out when it is back; after a reconnect ioredis subscribes
    // again by itself.
    this.client = ownedRedisClient(redisUrl, () => undefined, { offlineQueue: true });
    this.channel = learningChannel(prefix);
    this.client.on('message', (channel: string) => {
      if (channel === this.channel) onSignal();
    });
  }

  /** Subscribes; resolves false (and the gateway keeps polling) when Redis does not answer in time. */
  start(timeoutMs = 2000): Promise<boolean> {
    return withTimeout(this.client.subscribe(this.channel), timeoutMs, 'subscribe').then(
      () => true,
      () => false,
    );
  }

  /** A subscriber has nothing to flush: the connection is dropped, at once even when Redis is down. */
  async close(): Promise<void> {
    this.client.disconnect();
  }
}
