import type { AppConfig } from '../../config/src';
import type { Clock } from '../../core/src';
import type { CounterStore } from './counter-store';
import { InProcessCounterStore } from './in-process-counter-store';
import { RedisCounterStore } from './redis-counter-store';

/** Redis (shared by every gateway and worker process) when REDIS_URL is set; in process on the embedded default. */
export function createCounterStore(config: Pick<AppConfig, 'redisUrl' | 'queuePrefix'>, clock: Clock): CounterStore {
  return config.redisUrl ? new RedisCounterStore(config.redisUrl, `${config.queuePrefix}:budget`) : new InProcessCounterStore(clock);
}
