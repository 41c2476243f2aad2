import { sql, type Kysely, type Transaction } from 'kysely';
import {
  applyLogisticCorrection,
  applyLogisticObservation,
  applyObservation,
  applyRewardCorrection,
  bytesToFloats,
  emptyWordArm,
  fadeLogisticArm,
  floatsToBytes,
  guardAgainstDrop,
  type ArmState,
  type LogisticArmState,
} from '../../../router/src';
import { combineReward, DEFAULT_FEEDBACK_WEIGHT } from '../../../scoring/src/score-response';
import type { ArmStatsRow, Database, ValidatorResultRecord, WordArmRow } from '../database';

export interface ScoreToRecord {
  requestId: string;
  route: string;
  contextKey: string;
  modelId: string;
  validatorReward: number;
  results: ValidatorResultRecord[];
  costUsd: number;
  completionTokens: number;
  discount: number;
  /** The route's `feedback_weight` (explicit feedback's share of the reward); 0.5 when unset. */
  feedbackWeight?: number;
  /** For a route with `learner: hashed_words`: the prompt's hashed-word buckets, and the model's prior quality. */
  words?: WordEvidence;
  scoredAt: Date;
}

export interface WordEvidence {
  features: number[];
  /** The model's cold-start prior (its price tier), used when the route has no word model for it yet. */
  priorQuality?: number;
}

export type RecordOutcome = { status: 'recorded'; reward: number } | { status: 'duplicate' };

export type FeedbackOutcome = { status: 'applied'; reward: number } | { status: 'stored' };

/** The learned statistics per (route, context, model), and the scores and feedback that feed them. */
export class ArmStatsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Rows changed after `since` (all rows when null), for the gateway's incremental refresh. Rows are
   * stamped with the database clock at write time; a transaction may commit after a later one, so
   * callers pass a `since` with a margin and treat rows as idempotent upserts.
   */
  async changedSince(since: Date | null): Promise<ArmStatsRow[]> {
    let q = this.db.selectFrom('arm_stats').selectAll();
    if (since) q = q.where('updated_at', '>', since);
    return q.execute();
  }

  /**
   * Word models (`learner: hashed_words`) changed after `since`, as {@link changedSince}, each with its
   * `version` (the write's timestamp to the microsecond, as text). With `known` (the versions the caller
   * holds, by `route\u0000model`), a model whose version the caller already has is left out before
   * its weights are read: the overlap margin brings every recent row back on every call, and a row's
   * weights are 32 KiB, so only the changed ones are fetched (a second, keyed query).
   */
  async changedWordArmsSince(since: Date | null, known?: ReadonlyMap<string, string>): Promise<Array<WordArmRow & { version: string }>> {
    const version = sql<string>`updated_at::text`.as('version');
    let heads = this.db.selectFrom('word_arms').select(['route', 'model_id', version]);
    if (since) heads = heads.where('updated_at', '>', since);
    const wanted = (await heads.execute()).filter((h) => known?.get(`${h.route}\u0000${h.model_id}`) !== h.version);
    if (wanted.length === 0) return [];
    return this.db
      .selectFrom('word_arms')
      .selectAll()
      .select(version)
      .where((eb) => eb.or(wanted.map((w) => eb.and([eb('route', '=', w.route), eb('model_id', '=', w.model_id)]))))
      .execute();
  }

  /** Records one response's score; see {@link recordScores}. */
  async recordScore(score: ScoreToRecord): Promise<RecordOutcome> {
    return (await this.recordScores([score]))[0];
  }

  /**
   * Records responses' scores and folds them, in order, into their routes' arms, in one transaction
   * (one commit for the whole batch). Exactly once: a score already recorded for a request (a retried
   * or duplicated job) changes nothing and comes back as `duplicate`.
   */
  async recordScores(scores: ScoreToRecord[]): Promise<RecordOutcome[]> {
    if (scores.length === 0) return [];
    return this.db.transaction().execute(async (trx) => {
      // Locks in a fixed order (requests, then routes, each sorted) so concurrent batches cannot deadlock.
      for (const id of [...new Set(scores.map((s) => s.requestId))].sort()) await lock(trx, `request:${id}`);
      const routeKeys = [...new Set(scores.flatMap((s) => [`${s.route}\u0000`, `${s.route}\u0000${s.contextKey}`]))].sort();
      for (const route of [...new Set(scores.map((s) => s.route))].sort()) await lock(trx, `route:${route}`);
      const seen = new Set<string>();
      const fresh = scores.filter((s) => (seen.has(s.requestId) ? false : (seen.add(s.requestId), true)));
      const inserted = await trx
        .insertInto('scores')
        .values(
          fresh.map((score) => ({
            request_id: score.requestId,
            route: score.route,
            context_key: score.contextKey,
            model_id: score.modelId,
            validator_reward: score.validatorReward,
            feedback_weight: score.feedbackWeight ?? DEFAULT_FEEDBACK_WEIGHT,
            reward: score.validatorReward,
            results: JSON.stringify(score.results),
            scored_at: score.scoredAt,
            features: score.words?.features ?? null,
          })),
        )
        .onConflict((oc) => oc.column('request_id').doNothing())
        .returning('request_id')
        .execute();
      const insertedIds = new Set(inserted.map((r) => r.request_id));
      const feedbackRows = insertedIds.size
        ? await trx.selectFrom('feedback').select(['request_id', 'score']).where('request_id', 'in', [...insertedIds]).execute()
        : [];
      const feedback = new Map(feedbackRows.map((f) => [f.request_id, f.score]));
      const rewards = new Map<string, number>();
      for (const score of fresh) {
        if (insertedIds.has(score.requestId)) rewards.set(score.requestId, combineReward(score.validatorReward, feedback.get(score.requestId), score.feedbackWeight));
      }
      // Each score teaches two levels: the route as a whole (context '') and its prompt context.
      for (const key of routeKeys) {
        const [route, contextKey] = key.split('\u0000');
        const batch = fresh.filter((s) => s.route === route && insertedIds.has(s.requestId) && (contextKey === '' || s.contextKey === contextKey));
        if (batch.length === 0) continue;
        const rows = await selectArmsForUpdate(trx, route, contextKey);
        let arms = rows.map(toArmState);
        const drift = new Map(rows.map((r) => [r.model_id, r.drift_statistic]));
        for (const score of batch) {
          const reward = rewards.get(score.requestId)!;
          // A silent regression shrinks the arm's old evidence before the new score is added.
          const guarded = guardAgainstDrop(arms, score.modelId, reward, drift.get(score.modelId) ?? 0);
          drift.set(score.modelId, guarded.statistic);
          arms = applyObservation(guarded.arms, { modelId: score.modelId, reward, costUsd: score.costUsd, completionTokens: score.completionTokens }, score.discount);
        }
        await writeArms(trx, route, contextKey, arms, drift);
      }
      // Routes with `learner: hashed_words` also teach their word models (one per route and model).
      for (const route of [...new Set(scores.filter((s) => s.words).map((s) => s.route))].sort()) {
        const batch = fresh.filter((s) => s.route === route && s.words && insertedIds.has(s.requestId));
        if (batch.length === 0) continue;
        // Every word model of the route: the served one learns, the others' evidence on the prompt fades.
        const stored = new Map((await selectWordArmsForUpdate(trx, route)).map((row) => [row.model_id, toWordArm(row)]));
        const changed = new Set<string>();
        for (const score of batch) {
          const features = score.words!.features;
          if (score.discount < 1) {
            for (const [modelId, other] of stored) {
              if (modelId === score.modelId) continue;
              fadeLogisticArm(other, features, score.discount);
              changed.add(modelId);
            }
          }
          const arm = stored.get(score.modelId) ?? emptyWordArm(score.modelId, score.words!.priorQuality);
          stored.set(score.modelId, applyLogisticObservation(arm, features, rewards.get(score.requestId)!, score.discount));
          changed.add(score.modelId);
        }
        await writeWordArms(trx, route, [...changed].map((id) => stored.get(id)!));
      }
      for (const [requestId, value] of feedback) {
        await trx.updateTable('scores').set({ reward: rewards.get(requestId)!, feedback: value }).where('request_id', '=', requestId).execute();
      }
      const reported = new Set<string>();
      return scores.map((s): RecordOutcome => {
        if (!insertedIds.has(s.requestId) || reported.has(s.requestId)) return { status: 'duplicate' };
        reported.add(s.requestId);
        return { status: 'recorded', reward: rewards.get(s.requestId)! };
      });
    });
  }

  /**
   * Stores explicit feedback (the latest wins) and, when the request is already scored, corrects the
   * reward its model was credited with. When it is not scored yet, scoring will read the feedback.
   */
  async applyFeedback(requestId: string, value: number, comment: string | null, at: Date): Promise<FeedbackOutcome> {
    return this.db.transaction().execute(async (trx) => {
      await lock(trx, `request:${requestId}`);
      await trx
        .insertInto('feedback')
        .values({ request_id: requestId, score: value, comment, created_at: at })
        .onConflict((oc) => oc.column('request_id').doUpdateSet({ score: value, comment, created_at: at }))
        .execute();
      const score = await trx.selectFrom('scores').selectAll().where('request_id', '=', requestId).executeTakeFirst();
      if (!score) return { status: 'stored' as const };
      await lock(trx, `route:${score.route}`);
      const reward = combineReward(score.validator_reward, value, score.feedback_weight);
      for (const contextKey of [...new Set(['', score.context_key])]) {
        const arms = (await selectArmsForUpdate(trx, score.route, contextKey)).map(toArmState);
        const arm = arms.find((a) => a.modelId === score.model_id);
        if (arm) await writeArms(trx, score.route, contextKey, [applyRewardCorrection(arm, score.reward, reward)]);
      }
      if (score.features) {
        const [row] = await selectWordArmsForUpdate(trx, score.route, [score.model_id]);
        if (row) await writeWordArms(trx, score.route, [applyLogisticCorrection(toWordArm(row), score.features, score.reward, reward)]);
      }
      await trx.updateTable('scores').set({ reward, feedback: value }).where('request_id', '=', requestId).execute();
      return { status: 'applied' as const, reward };
    });
  }

  async scoreCount(): Promise<number> {
    const row = await this.db.selectFrom('scores').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async findScore(requestId: string) {
    return this.db.selectFrom('scores').selectAll().where('request_id', '=', requestId).executeTakeFirst();
  }
}

async function lock(trx: Transaction<Database>, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
}

function selectArmsForUpdate(trx: Transaction<Database>, route: string, contextKey: string) {
  return trx.selectFrom('arm_stats').selectAll().where('route', '=', route).where('context_key', '=', contextKey).forUpdate().execute();
}

async function writeArms(trx: Transaction<Database>, route: string, contextKey: string, arms: ArmState[], drift?: ReadonlyMap<string, number>): Promise<void> {
  if (arms.length === 0) return;
  await trx
    .insertInto('arm_stats')
    .values(
      arms.map((a) => ({
        route,
        context_key: contextKey,
        model_id: a.modelId,
        successes: a.successes,
        failures: a.failures,
        completion_tokens: a.completionTokens,
        cost_usd: a.costUsd,
        observations: a.observations,
        ...(drift ? { drift_statistic: drift.get(a.modelId) ?? 0 } : {}),
        updated_at: sql<Date>`clock_timestamp()`,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['route', 'context_key', 'model_id']).doUpdateSet((eb) => ({
        successes: eb.ref('excluded.successes'),
        failures: eb.ref('excluded.failures'),
        completion_tokens: eb.ref('excluded.completion_tokens'),
        cost_usd: eb.ref('excluded.cost_usd'),
        observations: eb.ref('excluded.observations'),
        ...(drift ? { drift_statistic: eb.ref('excluded.drift_statistic') } : {}),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

function selectWordArmsForUpdate(trx: Transaction<Database>, route: string, models?: string[]) {
  let q = trx.selectFrom('word_arms').selectAll().where('route', '=', route);
  if (models) q = q.where('model_id', 'in', models);
  return q.forUpdate().execute();
}

async function writeWordArms(trx: Transaction<Database>, route: string, arms: LogisticArmState[]): Promise<void> {
  if (arms.length === 0) return;
  await trx
    .insertInto('word_arms')
    .values(
      arms.map((a) => ({
        route,
        model_id: a.modelId,
        bits: a.bits,
        prior_precision: a.priorPrecision,
        observations: a.observations,
        mean: floatsToBytes(a.mean),
        precision: floatsToBytes(a.precision),
        updated_at: sql<Date>`clock_timestamp()`,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['route', 'model_id']).doUpdateSet((eb) => ({
        observations: eb.ref('excluded.observations'),
        mean: eb.ref('excluded.mean'),
        precision: eb.ref('excluded.precision'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

export function toWordArm(row: WordArmRow): LogisticArmState {
  const mean = bytesToFloats(row.mean);
  const precision = bytesToFloats(row.precision);
  const size = 2 ** row.bits;
  if (mean.length !== size || precision.length !== size) throw new Error(`word model ${row.route}/${row.model_id}: expected ${size} weights`);
  return { modelId: row.model_id, bits: row.bits, priorPrecision: row.prior_precision, observations: row.observations, mean, precision };
}

export function toArmState(row: ArmStatsRow): ArmState {
  return {
    modelId: row.model_id,
    successes: row.successes,
    failures: row.failures,
    completionTokens: row.completion_tokens,
    costUsd: row.cost_usd,
    observations: row.observations,
  };
}
