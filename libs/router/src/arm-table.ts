import type { ArmState } from './arm-state';

/**
 * One (route, context)'s arms by model id, as a Map that also hands out their counts as a column by
 * candidate index (`countsFor`), kept between decisions and rebuilt after any write (`set`, `delete`,
 * `clear`). Arms must be replaced (`set`), not changed in place, as the gateway's LearnedState does.
 *
 * Why: with hundreds of live contexts a decision's context is seldom in the cache, and reading it
 * through the Map (a lookup and an arm object per model, each count a boxed number) was about a fifth of
 * the default learner's decision at 48 models x 1,000 contexts; the column is 16 bytes per model in one
 * block (docs/benchmarks.md, routing round 30). The counts are the arms' own numbers, so a decision from
 * the column is the decision from the Map.
 */
export class ArmTable extends Map<string, ArmState> {
  /** Writes so far; a column built at another count is stale. */
  #writes = 0;
  #countsIds: readonly string[] | undefined;
  #countsWrites = -1;
  #counts: Float64Array | undefined;
  #armsIds: readonly string[] | undefined;
  #armsWrites = -1;
  #arms: (ArmState | undefined)[] | undefined;
  #derive: ((table: ArmTable) => unknown) | undefined;
  #derivedWrites = -1;
  #derived: unknown;

  constructor(entries?: Iterable<readonly [string, ArmState]>) {
    // Filled here, not by Map's constructor: that calls `set` before this class's fields exist.
    super();
    if (entries !== undefined) for (const [modelId, arm] of entries) this.set(modelId, arm);
  }

  override set(modelId: string, arm: ArmState): this {
    this.#writes++;
    return super.set(modelId, arm);
  }

  override delete(modelId: string): boolean {
    this.#writes++;
    return super.delete(modelId);
  }

  override clear(): void {
    this.#writes++;
    super.clear();
  }

  /**
   * The arms of `ids` as counts by index: `counts[2 * i]` is the successes of `ids[i]`'s arm and
   * `counts[2 * i + 1]` its failures, 0 and 0 for a model without one (`successesOf` / `failuresOf`).
   * The same array while neither the table nor `ids` (by identity: a route's candidates) changed;
   * callers read it before anything else writes to the table and keep no reference.
   */
  countsFor(ids: readonly string[]): Float64Array {
    const counts = this.#counts;
    if (counts !== undefined && this.#countsWrites === this.#writes && this.#countsIds === ids) return counts;
    const built = counts !== undefined && counts.length === 2 * ids.length ? counts : new Float64Array(2 * ids.length);
    for (let i = 0; i < ids.length; i++) {
      const arm = this.get(ids[i]);
      built[2 * i] = arm === undefined ? 0 : arm.successes;
      built[2 * i + 1] = arm === undefined ? 0 : arm.failures;
    }
    this.#counts = built;
    this.#countsIds = ids;
    this.#countsWrites = this.#writes;
    return built;
  }

  /**
   * The arms of `ids` by index (undefined for an id without one): `this.get(ids[i])` at i, the same
   * array while neither the table nor `ids` (by identity) changed. Read-only for callers.
   */
  armsFor(ids: readonly string[]): readonly (ArmState | undefined)[] {
    const arms = this.#arms;
    if (arms !== undefined && this.#armsWrites === this.#writes && this.#armsIds === ids) return arms;
    const built: (ArmState | undefined)[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) built[i] = this.get(ids[i]);
    this.#arms = built;
    this.#armsIds = ids;
    this.#armsWrites = this.#writes;
    return built;
  }

  /**
   * `derive(this)`, kept until the next write or a call with another function (one slot): for a value
   * the decision path computes from the whole table on every request (planRoute's typical completion
   * size). `derive` must depend on the table's arms only.
   */
  derived<T>(derive: (table: ArmTable) => T): T {
    if (this.#derive === derive && this.#derivedWrites === this.#writes) return this.#derived as T;
    const value = derive(this);
    this.#derive = derive;
    this.#derived = value;
    this.#derivedWrites = this.#writes;
    return value;
  }
}

/** The table's arms for `ids` (`ArmTable.armsFor`) when `arms` is an ArmTable, else undefined: look them up. */
export function armsByIndex(arms: ReadonlyMap<string, ArmState>, ids: readonly string[]): readonly (ArmState | undefined)[] | undefined {
  return arms instanceof ArmTable ? arms.armsFor(ids) : undefined;
}

/** `derive(arms)`, kept by the table until its next write when `arms` is an ArmTable (`ArmTable.derived`). */
export function derivedFrom<T>(arms: ReadonlyMap<string, ArmState>, derive: (arms: ReadonlyMap<string, ArmState>) => T): T {
  return arms instanceof ArmTable ? arms.derived(derive) : derive(arms);
}

/** The table's counts for `ids` when `arms` is an ArmTable (see there), else undefined: read the Map. */
export function armCountsFor(arms: ReadonlyMap<string, ArmState> | undefined, ids: readonly string[]): Float64Array | undefined {
  return arms instanceof ArmTable ? arms.countsFor(ids) : undefined;
}
