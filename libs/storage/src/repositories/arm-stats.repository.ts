import { sql, type Kysely, type Transaction } from 'kysely';
import {
  applyLogisticCorrection,
  applyLogisticObservation,
  applyObservation,
  applyRewardCorrection,
  armMeans,
  armPrecisions,
  bytesToFloats,
  emptyWordArm,
  scoreAgainstContext,
  fadeLogisticArm,
  floatsToBytes,
  guardAgainstDrop,
  logisticArmFrom,
  nextRefutedMarker,
  type ArmState,
  type ProofPolicy,
  type RefutedMarker,
  type LogisticArmState,
} from '../../../router/src';
import { combineReward, DEFAULT_FEEDBACK_WEIGHT } from '../../../scoring/src/score-response';
import type { ArmStatsRow, Database, ValidatorResultRecord, WordArmRow } from '../database';
import { toPostgresJson } from '../postgres-json';

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
  /**
   * For a route with safe exploration (`floor_confidence`): how a drift alarm on the context's proven
   * anchor is told from any other (`nextRefutedMarker`), and how many of the context's scores the
   * marker lasts. Without it no marker is set (one already set still counts down).
   */
  refute?: { policy: ProofPolicy; lasts?: number };
  scoredAt: Date;
}

export interface WordEvidence {
  features: number[];
  /** The model's cold-start prior (its price tier), used when the route has no word model for it yet. */
  priorQuality?: number;
  /** The served model's context belief as a logit at decision time, to score the words against (`scoreAgainstContext`). */
  offset?: number;
}

export type RecordOutcome = { status: 'recorded'; reward: number } | { status: 'duplicate' };

/** `stale`: a later verdict on the request is already stored (this job was retried, or overtaken), so nothing changed. */
export type FeedbackOutcome = { status: 'applied'; reward: number } | { status: 'stored' } | { status: 'stale' };

/** The learned statistics per (route, context, model), and the scores and feedback that feed them. */
export class ArmStatsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Rows written since the read that returned `horizon` (every row when null), and the horizon to
   * pass next time, for the gateway's refresh. Each row carries the id of the transaction that last
   * wrote it; a transaction not yet visible to a read's snapshot has an id at or above that
   * snapshot's xmin, so reading `txid >= previous xmin` misses no commit and, with no long
   * transaction open, re-reads next to nothing (reads by `updated_at` needed a margin for commits out
   * of timestamp order, and re-read every row changed within it).
   */
  async changesAfter(horizon: string | null): Promise<{ rows: ArmStatsRow[]; horizon: string }> {
    const { rows } = await sql<ArmStatsRow & { horizon: string }>`
      WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
      SELECT h.xmin::text AS horizon, a.*, a.txid::text AS txid
      FROM h LEFT JOIN arm_stats a ON a.txid >= ${horizon ?? '0'}::xid8`.execute(this.db);
    return { rows: rows.filter((r) => r.route !== null).map(({ horizon: _, ...row }) => row), horizon: rows[0].horizon };
  }

  /**
   * Word models (`learner: hashed_words`) written since the read that returned `horizon`, as
   * {@link changesAfter}, each with its `version` (the write's timestamp to the microsecond, as
   * text). With `known` (the versions the caller holds, by `route\u0000model`), a model whose version
   * the caller already has is left out before its weights are read: a row's weights are 32 KiB, so
   * only the changed ones are fetched (a second, keyed query).
   */
  async wordChangesAfter(horizon: string | null, known?: ReadonlyMap<string, string>): Promise<{ rows: Array<WordArmRow & { version: string }>; horizon: string }> {
    const { rows: heads } = await sql<{ horizon: string; route: string | null; model_id: string | null; version: string | null }>`
      WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
      SELECT h.xmin::text AS horizon, w.route, w.model_id, w.updated_at::text AS version
      FROM h LEFT JOIN word_arms w ON w.txid >= ${horizon ?? '0'}::xid8`.execute(this.db);
    const next = heads[0].horizon;
    const wanted = heads.filter((h) => h.route !== null && known?.get(`${h.route}\u0000${h.model_id}`) !== h.version);
    if (wanted.length === 0) return { rows: [], horizon: next };
    const rows = await this.db
      .selectFrom('word_arms')
      .selectAll()
      .select([sql<string>`updated_at::text`.as('version'), sql<string>`txid::text`.as('txid')])
      .where((eb) => eb.or(wanted.map((w) => eb.and([eb('route', '=', w.route!), eb('model_id', '=', w.model_id!)]))))
      .execute();
    return { rows, horizon: next };
  }

  /**
   * Forgets what the route learned of one model (an operator's "this model was fixed"): its quality
   * and cost evidence in every context of the route, and at the route level, go to 0, as does its
   * drift statistic, so the gateway explores it again from its price prior. Its undiscounted
   * `observations` stay, for the reports, so `max_untried_share` does not bound it (that cap is for
   * models the route never scored; libs/router untried-cap.ts). With `untrainedWords`
   * (routes with `learner: hashed_words`) its word model is replaced by that untrained one. Under the
   * route's lock, as the worker's updates are, so no score of the route lands half before and half
   * after; the gateways read the change at their next refresh (each row gets a new txid).
   */
  async forgetModel(route: string, modelId: string, untrainedWords?: LogisticArmState): Promise<{ contexts: number; wordModel: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      await lockAll(trx, [`route:${route}`]);
      const reset = await trx
        .updateTable('arm_stats')
        .set({ successes: 0, failures: 0, completion_tokens: 0, cost_usd: 0, drift_statistic: 0, updated_at: sql<Date>`clock_timestamp()`, txid: sql<string>`pg_current_xact_id()` })
        .where('route', '=', route)
        .where('model_id', '=', modelId)
        .returning('context_key')
        .execute();
      let wordModel = false;
      if (untrainedWords && (await selectWordArmsForUpdate(trx, route, [modelId])).length > 0) {
        await writeWordArms(trx, route, [untrainedWords]);
        wordModel = true;
      }
      return { contexts: reset.filter((r) => r.context_key !== '').length, wordModel };
    });
  }

  /** Whether a response's score is already recorded (a retried or duplicated job's). */
  async hasScore(requestId: string): Promise<boolean> {
    const row = await this.db.selectFrom('scores').select('request_id').where('request_id', '=', requestId).executeTakeFirst();
    return row !== undefined;
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
    // A fixed number of statements per batch, whatever its size: one lock call, one insert, one
    // feedback read, one read and one write of the arms (and of the word models). Per-request
    // statements used to be most of the worker's and Postgres's time per score (docs/benchmarks.md).
    return this.db.transaction().execute(async (trx) => {
      // Locks in a fixed order (requests, then routes, each sorted) so concurrent batches cannot deadlock.
      const routes = [...new Set(scores.map((s) => s.route))].sort();
      await lockAll(trx, [...[...new Set(scores.map((s) => s.requestId))].sort().map((id) => `request:${id}`), ...routes.map((r) => `route:${r}`)]);
      const seen = new Set<string>();
      const fresh = scores.filter((s) => (seen.has(s.requestId) ? false : (seen.add(s.requestId), true)));
      const insertedIds = await insertScores(trx, fresh);
      const feedbackRows = insertedIds.size
        ? await trx.selectFrom('feedback').select(['request_id', 'score']).where('request_id', 'in', [...insertedIds]).execute()
        : [];
      const feedback = new Map(feedbackRows.map((f) => [f.request_id, f.score]));
      const rewards = new Map<string, number>();
      const learned = fresh.filter((s) => insertedIds.has(s.requestId));
      for (const score of learned) rewards.set(score.requestId, combineReward(score.validatorReward, feedback.get(score.requestId), score.feedbackWeight));
      // Each score teaches two levels: the route as a whole (context '') and its prompt context.
      if (learned.length > 0) {
        const byKey = new Map<string, ArmKey & { scores: ScoreToRecord[] }>();
        for (const score of learned) {
          for (const contextKey of new Set(['', score.contextKey])) {
            const key = `${score.route}\u0000${contextKey}`;
            const entry = byKey.get(key);
            if (entry) entry.scores.push(score);
            else byKey.set(key, { route: score.route, contextKey, scores: [score] });
          }
        }
        const stored = new Map<string, ArmStatsRow[]>();
        for (const row of await selectArmsForUpdate(trx, [...byKey.values()])) {
          const key = `${row.route}\u0000${row.context_key}`;
          const list = stored.get(key);
          if (list) list.push(row);
          else stored.set(key, [row]);
        }
        const updates: ArmsToWrite[] = [];
        for (const [key, { route, contextKey, scores: batch }] of byKey) {
          const rows = stored.get(key) ?? [];
          let arms = rows.map(toArmState);
          const drift = new Map(rows.map((r) => [r.model_id, r.drift_statistic]));
          let marker = contextKey === '' ? undefined : storedMarker(rows);
          for (const score of batch) {
            const reward = rewards.get(score.requestId)!;
            // A silent regression shrinks the arm's old evidence before the new score is added.
            const guarded = guardAgainstDrop(arms, score.modelId, reward, drift.get(score.modelId) ?? 0);
            drift.set(score.modelId, guarded.statistic);
            // An alarm on the context's proven anchor marks it refuted (the gateway's decisions then
            // let models proven across the route stand in); every score of the context counts it down.
            if (contextKey !== '') {
              const armBefore = guarded.alarm && score.refute ? arms.find((a) => a.modelId === score.modelId) : undefined;
              marker = nextRefutedMarker(marker, armBefore && score.refute ? { modelId: score.modelId, armBefore, ...score.refute } : undefined);
            }
            arms = applyObservation(guarded.arms, { modelId: score.modelId, reward, costUsd: score.costUsd, completionTokens: score.completionTokens }, score.discount);
          }
          updates.push({ route, contextKey, arms, drift, refuted: marker });
        }
        await writeArms(trx, updates);
      }
      // Routes with `learner: hashed_words` also teach their word models (one per route and model).
      for (const route of [...new Set(learned.filter((s) => s.words).map((s) => s.route))].sort()) {
        const batch = learned.filter((s) => s.route === route && s.words);
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
          const reward = rewards.get(score.requestId)!;
          // How well the words predicted this answer against the context's belief at decision time
          // (older jobs carry none: the odds stay as they are).
          if (score.words!.offset !== undefined) scoreAgainstContext(arm, features, reward, score.words!.offset, score.discount);
          stored.set(score.modelId, applyLogisticObservation(arm, features, reward, score.discount));
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
      await lockAll(trx, [`request:${requestId}`]);
      // The latest verdict wins by when it was given, not by when its job ran.
      const stored = await trx
        .insertInto('feedback')
        .values({ request_id: requestId, score: value, comment, created_at: at })
        .onConflict((oc) => oc.column('request_id').doUpdateSet({ score: value, comment, created_at: at }).where('feedback.created_at', '<=', at))
        .returning('request_id')
        .executeTakeFirst();
      if (!stored) return { status: 'stale' as const };
      const score = await trx.selectFrom('scores').selectAll().where('request_id', '=', requestId).executeTakeFirst();
      if (!score) return { status: 'stored' as const };
      await lockAll(trx, [`route:${score.route}`]);
      const reward = combineReward(score.validator_reward, value, score.feedback_weight);
      const keys = [...new Set(['', score.context_key])].map((contextKey) => ({ route: score.route, contextKey }));
      const rows = (await selectArmsForUpdate(trx, keys)).filter((row) => row.model_id === score.model_id);
      // The rows are locked: their drift statistic is written back as read.
      await writeArms(
        trx,
        rows.map((row) => ({
          route: row.route,
          contextKey: row.context_key,
          arms: [applyRewardCorrection(toArmState(row), score.reward, reward)],
          drift: new Map([[row.model_id, row.drift_statistic]]),
          refuted: row.refuted_left > 0 ? { modelId: row.model_id, left: row.refuted_left } : undefined,
        })),
      );
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

/**
 * Transaction-scoped advisory locks on `keys`, taken one after another in the order given, in one
 * statement (a function scan over the array yields its elements in order).
 */
async function lockAll(trx: Transaction<Database>, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await sql`select pg_advisory_xact_lock(hashtext(k)) from unnest(${keys}::text[]) as t(k)`.execute(trx);
}

/**
 * Inserts the scores not recorded yet, in one statement whatever their number (one JSON parameter,
 * so the statement's text, and its plan, do not change with the batch size); returns their request ids.
 */
async function insertScores(trx: Transaction<Database>, scores: ScoreToRecord[]): Promise<Set<string>> {
  if (scores.length === 0) return new Set();
  const rows = scores.map((score) => ({
    request_id: score.requestId,
    route: score.route,
    context_key: score.contextKey,
    model_id: score.modelId,
    validator_reward: score.validatorReward,
    feedback_weight: score.feedbackWeight ?? DEFAULT_FEEDBACK_WEIGHT,
    results: score.results,
    scored_at: score.scoredAt,
    features: score.words?.features ?? null,
  }));
  const { rows: inserted } = await sql<{ request_id: string }>`
    INSERT INTO scores (request_id, route, context_key, model_id, validator_reward, feedback_weight, reward, results, scored_at, features)
    SELECT request_id, route, context_key, model_id, validator_reward, feedback_weight, validator_reward, results, scored_at, features
    FROM jsonb_to_recordset(${toPostgresJson(rows)}::jsonb) AS r(request_id text, route text, context_key text, model_id text,
      validator_reward double precision, feedback_weight double precision, results jsonb, scored_at timestamptz, features integer[])
    ON CONFLICT (request_id) DO NOTHING
    RETURNING request_id`.execute(trx);
  return new Set(inserted.map((r) => r.request_id));
}

interface ArmKey {
  route: string;
  contextKey: string;
}

/** The arm rows of the given (route, context) keys, locked for update, in one statement. */
async function selectArmsForUpdate(trx: Transaction<Database>, keys: ArmKey[]): Promise<ArmStatsRow[]> {
  if (keys.length === 0) return [];
  const { rows } = await sql<ArmStatsRow>`
    SELECT a.* FROM arm_stats a
    JOIN unnest(${keys.map((k) => k.route)}::text[], ${keys.map((k) => k.contextKey)}::text[]) AS k(route, context_key)
      ON a.route = k.route AND a.context_key = k.context_key
    ORDER BY a.route, a.context_key, a.model_id
    FOR UPDATE OF a`.execute(trx);
  return rows;
}

interface ArmsToWrite extends ArmKey {
  arms: ArmState[];
  /** Each model's drift statistic (libs/router drift-detector). */
  drift: ReadonlyMap<string, number>;
  /** The context's refuted anchor, written on its row (`refuted_left`); every other row written gets 0. */
  refuted: RefutedMarker | undefined;
}

/** The context's marker as its rows hold it (the longest-lived, should two rows ever hold one). */
function storedMarker(rows: readonly ArmStatsRow[]): RefutedMarker | undefined {
  let marker: RefutedMarker | undefined;
  for (const r of rows) if (r.refuted_left > 0 && (marker === undefined || r.refuted_left > marker.left)) marker = { modelId: r.model_id, left: r.refuted_left };
  return marker;
}

/** Upserts the arms of several (route, context) keys in one statement. */
async function writeArms(trx: Transaction<Database>, sets: ArmsToWrite[]): Promise<void> {
  const values = sets.flatMap(({ route, contextKey, arms, drift, refuted }) =>
    arms.map((a) => ({
      route,
      context_key: contextKey,
      model_id: a.modelId,
      successes: a.successes,
      failures: a.failures,
      completion_tokens: a.completionTokens,
      cost_usd: a.costUsd,
      observations: a.observations,
      drift_statistic: drift.get(a.modelId) ?? 0,
      refuted_left: refuted?.modelId === a.modelId ? refuted.left : 0,
      updated_at: sql<Date>`clock_timestamp()`,
      txid: sql<string>`pg_current_xact_id()`,
    })),
  );
  if (values.length === 0) return;
  await trx
    .insertInto('arm_stats')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['route', 'context_key', 'model_id']).doUpdateSet((eb) => ({
        successes: eb.ref('excluded.successes'),
        failures: eb.ref('excluded.failures'),
        completion_tokens: eb.ref('excluded.completion_tokens'),
        cost_usd: eb.ref('excluded.cost_usd'),
        observations: eb.ref('excluded.observations'),
        drift_statistic: eb.ref('excluded.drift_statistic'),
        refuted_left: eb.ref('excluded.refuted_left'),
        updated_at: eb.ref('excluded.updated_at'),
        txid: eb.ref('excluded.txid'),
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
        mean: floatsToBytes(armMeans(a)),
        precision: floatsToBytes(armPrecisions(a)),
        words_log_odds: a.wordsLogOdds ?? 0,
        updated_at: sql<Date>`clock_timestamp()`,
        txid: sql<string>`pg_current_xact_id()`,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['route', 'model_id']).doUpdateSet((eb) => ({
        observations: eb.ref('excluded.observations'),
        mean: eb.ref('excluded.mean'),
        precision: eb.ref('excluded.precision'),
        words_log_odds: eb.ref('excluded.words_log_odds'),
        updated_at: eb.ref('excluded.updated_at'),
        txid: eb.ref('excluded.txid'),
      })),
    )
    .execute();
}

export function toWordArm(row: WordArmRow): LogisticArmState {
  const mean = bytesToFloats(row.mean);
  const precision = bytesToFloats(row.precision);
  const size = 2 ** row.bits;
  if (mean.length !== size || precision.length !== size) throw new Error(`word model ${row.route}/${row.model_id}: expected ${size} weights`);
  return logisticArmFrom({ modelId: row.model_id, bits: row.bits, priorPrecision: row.prior_precision, observations: row.observations, mean, precision, wordsLogOdds: row.words_log_odds ?? 0 });
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
