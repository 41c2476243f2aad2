import Redis from 'ioredis';
import type { CounterLine, CounterStore, TryAddResult } from './counter-store';

/**
 * ARGV: line count, then per line: key count, limit (-1: none), amount, ttl ms. KEYS: every line's
 * keys in order. Reads every sum first, adds to each line's last key only when no line refuses.
 * Returns { ok, refused line (1-based, 0 if none), sums... }.
 */
const TRY_ADD = `
local n = tonumber(ARGV[1])
local arg = 2
local k = 1
local sums = {}
local targets = {}
local refused = 0
for i = 1, n do
  local nk = tonumber(ARGV[arg])
  local limit = tonumber(ARGV[arg + 1])
  local amount = tonumber(ARGV[arg + 2])
  local ttl = tonumber(ARGV[arg + 3])
  arg = arg + 4
  local s = 0
  for j = k, k + nk - 1 do
    local v = redis.call('GET', KEYS[j])
    if v then s = s + tonumber(v) end
  end
  sums[i] = s
  targets[i] = { KEYS[k + nk - 1], amount, ttl }
  k = k + nk
  if refused == 0 and limit >= 0 and s + amount > limit then refused = i end
end
if refused > 0 then
  local out = { 0, refused }
  for i = 1, n do out[i + 2] = sums[i] end
  return out
end
local out = { 1, 0 }
for i = 1, n do
  local t = targets[i]
  local v = redis.call('INCRBY', t[1], t[2])
  local pttl = redis.call('PTTL', t[1])
  if pttl < t[3] then redis.call('PEXPIRE', t[1], t[3]) end
  out[i + 2] = sums[i] + t[2]
end
return out
`;

/**
 * ARGV: the idempotency key's ttl ms when the last key is one (0 when none), then per counter key:
 * amount, ttl ms. The idempotency key is set (SET NX) in the same script as the additions, and when it
 * already exists nothing is added: returns 0.
 */
const ADD = `
local n = #KEYS
local onceTtl = tonumber(ARGV[1])
if onceTtl > 0 then
  n = n - 1
  if not redis.call('SET', KEYS[#KEYS], '1', 'PX', onceTtl, 'NX') then return 0 end
end
for i = 1, n do
  redis.call('INCRBY', KEYS[i], ARGV[2 * i])
  local ttl = tonumber(ARGV[2 * i + 1])
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 1
`;

type ScriptRedis = Redis & {
  budgetTryAdd(numKeys: number, ...args: Array<string | number>): Promise<number[]>;
  budgetAdd(numKeys: number, ...args: Array<string | number>): Promise<number>;
};

/**
 * Budget and rate-limit counters in Redis, shared by every gateway process. Each call is one Lua
 * script, so a check and its increment cannot interleave with another process's. All keys of one
 * call must live on one node (no Redis Cluster slot spreading).
 */
export class RedisCounterStore implements CounterStore {
  readonly kind = 'redis';
  private readonly redis: ScriptRedis;

  constructor(url: string, private readonly prefix: string) {
    // Not auto-pipelined: with it, a connection cut mid-pipeline (test/resilience/outages) left ioredis
    // with a "Command queue state error" that escaped as an unhandled error.
    const redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
    redis.on('error', () => {
      /* reconnects on its own; calls fail meanwhile and the request gets an error */
    });
    redis.defineCommand('budgetTryAdd', { lua: TRY_ADD });
    redis.defineCommand('budgetAdd', { lua: ADD });
    this.redis = redis as ScriptRedis;
  }

  private k(key: string): string {
    return `${this.prefix}:${key}`;
  }

  async tryAdd(lines: CounterLine[]): Promise<TryAddResult> {
    const keys: string[] = [];
    const args: Array<string | number> = [lines.length];
    for (const l of lines) {
      keys.push(...l.keys.map((key) => this.k(key)));
      args.push(l.keys.length, l.limit ?? -1, l.amount, Math.ceil(l.ttlMs));
    }
    const out = await this.redis.budgetTryAdd(keys.length, ...keys, ...args);
    return { ok: out[0] === 1, refused: out[1] - 1, sums: out.slice(2).map(Number) };
  }

  async add(entries: Array<{ key: string; amount: number; ttlMs: number }>, once?: { key: string; ttlMs: number }): Promise<boolean> {
    if (entries.length === 0) return false;
    const keys = entries.map((e) => this.k(e.key));
    if (once) keys.push(this.k(once.key));
    const args = [once ? Math.max(1, Math.ceil(once.ttlMs)) : 0, ...entries.flatMap((e) => [e.amount, Math.ceil(e.ttlMs)])];
    return (await this.redis.budgetAdd(keys.length, ...keys, ...args)) === 1;
  }

  async sums(groups: string[][]): Promise<number[]> {
    const flat = groups.flat();
    if (flat.length === 0) return groups.map(() => 0);
    const values = await this.redis.mget(...flat.map((key) => this.k(key)));
    let i = 0;
    return groups.map((g) => {
      let s = 0;
      for (let j = 0; j < g.length; j++) s += Number(values[i++] ?? 0);
      return s;
    });
  }

  async seed(key: string, value: number, ttlMs: number): Promise<void> {
    await this.redis.set(this.k(key), value, 'PX', Math.ceil(ttlMs), 'NX');
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
