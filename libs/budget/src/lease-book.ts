/**
 * Budget held locally so that most requests reserve without a round trip to the shared counter store.
 *
 * A process takes a *lease* on a budget counter: it adds more than one request's worst case to the
 * shared counter in one atomic, capped step (`CounterStore.tryAdd`) and then charges requests against
 * that amount in memory. The shared counter therefore always holds at least what the process has
 * charged, so no two processes can together pass a hard cap: leasing changes when a request is
 * refused (up to one lease per process may be held elsewhere), never how much can be spent. Settling
 * a request only moves the local charge; `drain` hands the difference between what was leased and what
 * was charged back to the shared counter in one batch, after which the counter is exact again.
 */
export interface Lease {
  readonly key: string;
  readonly ttlMs: number;
  /** What this process has added to the shared counter for this key and not yet given back. */
  leasedNano: number;
  /** Reservations in flight plus settled costs charged against the lease. */
  chargedNano: number;
  /** Reservations not settled yet. */
  inFlight: number;
  /** A request was charged to it since the last drain (the lease is in use). */
  chargedSinceDrain?: boolean;
  /** Drains in a row that found the lease idle (nothing charged since, nothing in flight). */
  idleDrains?: number;
  /** What sizes a fresh lease of this counter (its cap, its budget, the last leasing request's worst case). */
  terms?: LeaseTerms;
}

export interface LeaseTerms {
  limitNano: number | null;
  budgetId: string;
  worstNano: number;
}

/** One shared-counter change that gives back (negative) or owes (positive) what a drain found. */
export interface LeaseAdjustment {
  key: string;
  amount: number;
  ttlMs: number;
}

/** A lease is taken only while the budget has room for this many worst cases per lease or more. */
export const MIN_REQUESTS_PER_LEASE = 8;
/** A lease takes at most this fraction of what is left under the cap, so the rest stays for others. */
export const LEASE_FRACTION_OF_REMAINING = 1 / 16;
/** For counters without a limit (counting only): how many worst cases one lease covers. */
export const UNLIMITED_LEASE_REQUESTS = 64;

/**
 * How much to lease on top of a request's own worst case, from the last known sum of the counter:
 * a sixteenth of what is left under the cap, and nothing when that would cover fewer than eight
 * requests (near a cap every reservation goes to the shared store, exactly as without leases).
 */
export function leaseTopUp(limitNano: number | null, sumNano: number, worstNano: number): number {
  if (worstNano <= 0) return 0;
  if (limitNano === null) return UNLIMITED_LEASE_REQUESTS * worstNano;
  const chunk = Math.floor((limitNano - sumNano - worstNano) * LEASE_FRACTION_OF_REMAINING);
  return chunk >= MIN_REQUESTS_PER_LEASE * worstNano ? chunk : 0;
}

export class LeaseBook {
  private readonly leases = new Map<string, Lease>();

  /** Charges `amountNano` to the lease of every key when all of them have room; otherwise changes nothing. */
  tryCharge(keys: readonly string[], amountNano: number): Lease[] | undefined {
    const found: Lease[] = [];
    for (const key of keys) {
      const lease = this.leases.get(key);
      if (!lease || lease.leasedNano - lease.chargedNano < amountNano) return undefined;
      found.push(lease);
    }
    for (const lease of found) {
      lease.chargedNano += amountNano;
      lease.inFlight += 1;
      lease.chargedSinceDrain = true;
    }
    return found;
  }

  /**
   * Charges final amounts (nothing to settle later, such as a rate limit's request or tokens counted up
   * front), each to its own key's lease, when every one of them has room; otherwise changes nothing.
   */
  tryChargeFinal(items: ReadonlyArray<{ key: string; amount: number }>): boolean {
    for (const { key, amount } of items) {
      const lease = this.leases.get(key);
      if (!lease || lease.leasedNano - lease.chargedNano < amount) return false;
    }
    for (const { key, amount } of items) {
      const lease = this.leases.get(key)!;
      lease.chargedNano += amount;
      lease.chargedSinceDrain = true;
    }
    return true;
  }

  /**
   * The shared store accepted `chargedNano + topUpNano` on `key`: records the lease and charges the
   * request that asked for it.
   */
  grant(key: string, ttlMs: number, chargedNano: number, topUpNano: number, terms?: LeaseTerms): Lease {
    let lease = this.leases.get(key);
    if (!lease) this.leases.set(key, (lease = { key, ttlMs, leasedNano: 0, chargedNano: 0, inFlight: 0 }));
    lease.leasedNano += chargedNano + topUpNano;
    lease.chargedNano += chargedNano;
    lease.inFlight += 1;
    lease.chargedSinceDrain = true;
    if (terms) lease.terms = terms;
    return lease;
  }

  /** A charged request finished: its real cost replaces its reservation in each of its leases. */
  settle(leases: readonly Lease[], reservedNano: number, actualNano: number): void {
    for (const lease of leases) {
      lease.chargedNano += actualNano - reservedNano;
      lease.inFlight = Math.max(0, lease.inFlight - 1);
    }
  }

  /** The limit the lease on `key` was sized for; undefined when there is no lease or it has no terms. */
  leasedUnderLimit(key: string): number | null | undefined {
    return this.leases.get(key)?.terms?.limitNano;
  }

  /** Unused room of the leases on these keys (what this process could give back now). */
  unused(keys: readonly string[]): number {
    let total = 0;
    for (const key of keys) {
      const lease = this.leases.get(key);
      if (lease) total += Math.max(0, lease.leasedNano - lease.chargedNano);
    }
    return total;
  }

  /**
   * Makes every lease equal to what it has charged and returns the shared-counter adjustments that
   * do so (unused room given back; a cost above its reservation owed). Leases with nothing in flight
   * are forgotten: their charges are in the shared counter already. `only` limits it to some keys.
   *
   * With `retain`, a lease in use (charged since the last drain, or with requests in flight, such as
   * long streams) keeps up to `retain(lease)` of its unused room (what it would lease afresh now; 0 near
   * a cap) instead of giving it back, so the next requests of a busy process charge locally rather
   * than lease again on their own time. So does an idle lease for `idleDrains` drains in a row after
   * its last use: sporadic traffic (a request every few seconds) then charges locally too, instead of
   * every request waiting for the shared store. After that an idle lease gives everything back.
   */
  drain(only?: ReadonlySet<string>, retain?: (lease: Readonly<Lease>) => number, idleDrains = 0): LeaseAdjustment[] {
    const adjustments: LeaseAdjustment[] = [];
    for (const lease of this.leases.values()) {
      if (only && !only.has(lease.key)) continue;
      const inUse = lease.chargedSinceDrain === true || lease.inFlight > 0;
      lease.idleDrains = inUse ? 0 : (lease.idleDrains ?? 0) + 1;
      const keeps = retain !== undefined && lease.idleDrains <= idleDrains;
      const kept = keeps ? Math.max(0, Math.min(lease.leasedNano - lease.chargedNano, retain(lease))) : 0;
      lease.chargedSinceDrain = false;
      const difference = lease.chargedNano + kept - lease.leasedNano;
      if (difference !== 0) adjustments.push({ key: lease.key, amount: difference, ttlMs: lease.ttlMs });
      if (lease.inFlight === 0 && kept === 0) this.leases.delete(lease.key);
      else lease.leasedNano = lease.chargedNano + kept;
    }
    return adjustments;
  }

  /** Undoes `drain`'s bookkeeping when its adjustments could not be written: they are tried again next time. */
  restore(adjustments: readonly LeaseAdjustment[]): void {
    for (const a of adjustments) {
      let lease = this.leases.get(a.key);
      if (!lease) this.leases.set(a.key, (lease = { key: a.key, ttlMs: a.ttlMs, leasedNano: 0, chargedNano: 0, inFlight: 0 }));
      lease.leasedNano -= a.amount;
    }
  }

  get size(): number {
    return this.leases.size;
  }
}
