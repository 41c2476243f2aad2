import type { Clock } from '../../../../libs/core/src';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** First cooldown; each re-open after a failed probe doubles it, up to `maxCooldownMs`. */
  cooldownMs: number;
  maxCooldownMs: number;
}

/** What one key's breaker knows; the same shape is mirrored in Redis when processes share it. */
export interface BreakerEntry {
  failures: number;
  /** Epoch ms until which the key gets no traffic; 0 when closed. */
  openUntil: number;
  /** The cooldown used for the last opening (doubles on a failed probe). */
  cooldownMs: number;
  opens: number;
}

export interface BreakerView extends BreakerEntry {
  key: string;
  state: BreakerState;
}

/**
 * A circuit breaker per key (a deployment: provider + model, or a route + model for schema failures):
 * closed until `failureThreshold` failures in a row, then open for a cooldown, then half-open: the next
 * call is a probe, whose success closes the breaker and whose failure re-opens it for twice as long.
 * Pure state, no I/O: the clock is injected.
 */
export class CircuitBreaker {
  private readonly entries = new Map<string, BreakerEntry>();

  constructor(
    private readonly clock: Clock,
    readonly options: BreakerOptions,
  ) {}

  state(key: string): BreakerState {
    const e = this.entries.get(key);
    if (!e || e.openUntil === 0) return 'closed';
    return this.clock.now() < e.openUntil ? 'open' : 'half_open';
  }

  /** False while the key cools down; half-open keys take traffic (their next result decides). */
  isAvailable(key: string): boolean {
    return this.state(key) !== 'open';
  }

  /** The key's entry as it stands (undefined for a key never seen). */
  peek(key: string): Readonly<BreakerEntry> | undefined {
    return this.entries.get(key);
  }

  recordSuccess(key: string): BreakerEntry {
    const e = this.entry(key);
    e.failures = 0;
    e.openUntil = 0;
    e.cooldownMs = this.options.cooldownMs;
    return { ...e };
  }

  recordFailure(key: string): BreakerEntry {
    const e = this.entry(key);
    const wasHalfOpen = this.state(key) === 'half_open';
    e.failures += 1;
    if (wasHalfOpen) {
      e.cooldownMs = Math.min(this.options.maxCooldownMs, e.cooldownMs * 2);
      this.open(e);
    } else if (e.openUntil === 0 && e.failures >= this.options.failureThreshold) {
      e.cooldownMs = this.options.cooldownMs;
      this.open(e);
    }
    return { ...e };
  }

  /** Takes another process's view of a key (from Redis). */
  merge(key: string, shared: BreakerEntry): void {
    this.entries.set(key, { ...shared });
  }

  view(): BreakerView[] {
    return [...this.entries.entries()].map(([key, e]) => ({ key, state: this.state(key), ...e }));
  }

  private open(e: BreakerEntry): void {
    e.openUntil = this.clock.now() + e.cooldownMs;
    e.opens += 1;
  }

  private entry(key: string): BreakerEntry {
    let e = this.entries.get(key);
    if (!e) {
      e = { failures: 0, openUntil: 0, cooldownMs: this.options.cooldownMs, opens: 0 };
      this.entries.set(key, e);
    }
    return e;
  }
}
