import Redis from 'ioredis';
import type { Clock } from '../../../../libs/core/src';
import { CircuitBreaker, type BreakerEntry, type BreakerOptions, type BreakerView } from './circuit-breaker';

/** Same transitions as CircuitBreaker.recordFailure, applied atomically to the shared copy. */
const FAILURE_SCRIPT = `
local k = KEYS[1]
local now = tonumber(ARGV[1])
local threshold = tonumber(ARGV[2])
local base = tonumber(ARGV[3])
local maxCd = tonumber(ARGV[4])
local f = tonumber(redis.call('HGET', k, 'failures') or '0')
local ou = tonumber(redis.call('HGET', k, 'openUntil') or '0')
local cd = tonumber(redis.call('HGET', k, 'cooldownMs') or base)
local opens = tonumber(redis.call('HGET', k, 'opens') or '0')
local halfOpen = ou > 0 and now >= ou
f = f + 1
if halfOpen then
  cd = math.min(maxCd, cd * 2); ou = now + cd; opens = opens + 1
elseif ou == 0 and f >= threshold then
  cd = base; ou = now + cd; opens = opens + 1
end
redis.call('HSET', k, 'failures', f, 'openUntil', ou, 'cooldownMs', cd, 'opens', opens)
redis.call('PEXPIRE', k, 86400000)
return {f, ou, cd, opens}
`;

const SUCCESS_SCRIPT = `
local k = KEYS[1]
local opens = tonumber(redis.call('HGET', k, 'opens') or '0')
redis.call('HSET', k, 'failures', 0, 'openUntil', 0, 'cooldownMs', ARGV[1], 'opens', opens)
redis.call('PEXPIRE', k, 86400000)
return {0, 0, tonumber(ARGV[1]), opens}
`;

/**
 * Circuit breakers shared by every gateway process through Redis (when it is configured): decisions
 * read the local copy synchronously (the router must not wait on the network), every result is
 * applied locally at once and atomically in Redis, and the local copy follows Redis by polling.
 * Without Redis the breakers are in-process only.
 */
export class SharedHealth {
  private readonly breaker: CircuitBreaker;
  private readonly redis?: Redis;
  private readonly keys = new Set<string>();
  private readonly hadFailures = new Set<string>();
  private timer?: NodeJS.Timeout;
  private closed = false;
  private prefix = '';
  private onError: (err: unknown) => void = () => undefined;

  constructor(
    private readonly clock: Clock,
    options: BreakerOptions,
    shared?: { redisUrl: string; prefix: string; namespace: string; pollMs?: number; onError?: (err: unknown) => void },
  ) {
    this.breaker = new CircuitBreaker(clock, options);
    if (shared) {
      this.redis = new Redis(shared.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: true });
      this.redis.on('error', (err) => shared.onError?.(err));
      this.prefix = `${shared.prefix}:health:${shared.namespace}:`;
      this.onError = shared.onError ?? (() => undefined);
      this.timer = setInterval(() => void this.pull(), shared.pollMs ?? 500);
      this.timer.unref();
    }
  }

  get options(): BreakerOptions {
    return this.breaker.options;
  }

  get isShared(): boolean {
    return this.redis !== undefined;
  }

  isAvailable(key: string): boolean {
    return this.breaker.isAvailable(key);
  }

  state(key: string) {
    return this.breaker.state(key);
  }

  recordSuccess(key: string): void {
    this.keys.add(key);
    const before = this.breaker.peek(key);
    const clean = before === undefined || (before.failures === 0 && before.openUntil === 0);
    this.breaker.recordSuccess(key);
    // Nothing to share while the breaker was closed with no failures in a row: keeps Redis off the hot
    // path. (A breaker that once opened and closed again is clean too: its successes are not pushed.)
    if (clean && !this.hadFailures.has(key)) return;
    this.hadFailures.delete(key);
    void this.push(key, SUCCESS_SCRIPT, [String(this.options.cooldownMs)]);
  }

  recordFailure(key: string): void {
    this.keys.add(key);
    this.hadFailures.add(key);
    this.breaker.recordFailure(key);
    void this.push(key, FAILURE_SCRIPT, [String(this.clock.now()), String(this.options.failureThreshold), String(this.options.cooldownMs), String(this.options.maxCooldownMs)]);
  }

  view(): BreakerView[] {
    return this.breaker.view();
  }

  /** Reads the shared state of every key this process has seen, once (also done every poll). */
  async pull(): Promise<void> {
    if (!this.redis || this.closed || this.keys.size === 0) return;
    try {
      const keys = [...this.keys];
      const pipeline = this.redis.pipeline();
      for (const k of keys) pipeline.hgetall(this.prefix + k);
      const results = (await pipeline.exec()) ?? [];
      results.forEach(([err, value], i) => {
        const v = value as Record<string, string> | null;
        if (err || !v || v.failures === undefined) return;
        this.breaker.merge(keys[i], { failures: Number(v.failures), openUntil: Number(v.openUntil), cooldownMs: Number(v.cooldownMs), opens: Number(v.opens) });
      });
    } catch (err) {
      this.onError(err);
    }
  }

  /** Tells this process about keys other processes may have opened (e.g. every configured deployment). */
  watch(keys: Iterable<string>): void {
    for (const k of keys) this.keys.add(k);
  }

  private async push(key: string, script: string, args: string[]): Promise<void> {
    if (!this.redis || this.closed) return;
    try {
      const [failures, openUntil, cooldownMs, opens] = (await this.redis.eval(script, 1, this.prefix + key, ...args)) as number[];
      this.breaker.merge(key, { failures, openUntil, cooldownMs, opens } satisfies BreakerEntry);
    } catch (err) {
      this.onError(err);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    if (this.redis) await this.redis.quit().catch(() => undefined);
  }
}
