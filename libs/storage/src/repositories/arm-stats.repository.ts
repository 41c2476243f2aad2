import { sql, type Kysely, type Transaction } from 'kysely';
import { applyObservation, applyRewardCorrection, type ArmState } from '../../../router/src';
import { combineReward } from '../../../scoring/src/score-response';
import type { ArmStatsRow, Database, ValidatorResultRecord } from '../database';

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
  scoredAt: Date;
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
   * Records a response's score and folds it into the route's arms, in one transaction. Exactly once:
   * a score already recorded for the request (a retried or duplicated job) changes nothing.
   */
  async recordScore(score: ScoreToRecord): Promise<RecordOutcome> {
    return this.db.transaction().execute(async (trx) => {
      await lock(trx, `request:${score.requestId}`);
      await lock(trx, `route:${score.route}`);
      const inserted = await trx
        .insertInto('scores')
        .values({
          request_id: score.requestId,
          route: score.route,
          context_key: score.contextKey,
          model_id: score.modelId,
          validator_reward: score.validatorReward,
          reward: score.validatorReward,
          results: JSON.stringify(score.results),
          scored_at: score.scoredAt,
        })
        .onConflict((oc) => oc.column('request_id').doNothing())
        .returning('request_id')
        .executeTakeFirst();
      if (!inserted) return { status: 'duplicate' as const };
      const feedback = await trx.selectFrom('feedback').select('score').where('request_id', '=', score.requestId).executeTakeFirst();
      const reward = combineReward(score.validatorReward, feedback?.score);
      if (feedback) {
        await trx.updateTable('scores').set({ reward, feedback: feedback.score }).where('request_id', '=', score.requestId).execute();
      }
      const arms = (await selectArmsForUpdate(trx, score.route, score.contextKey)).map(toArmState);
      const updated = applyObservation(
        arms,
        { modelId: score.modelId, reward, costUsd: score.costUsd, completionTokens: score.completionTokens },
        score.discount,
      );
      await writeArms(trx, score.route, score.contextKey, updated);
      return { status: 'recorded' as const, reward };
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
      const reward = combineReward(score.validator_reward, value);
      const arms = (await selectArmsForUpdate(trx, score.route, score.context_key)).map(toArmState);
      const corrected = arms.map((a) => (a.modelId === score.model_id ? applyRewardCorrection(a, score.reward, reward) : a));
      await writeArms(trx, score.route, score.context_key, corrected.filter((a) => a.modelId === score.model_id));
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

async function writeArms(trx: Transaction<Database>, route: string, contextKey: string, arms: ArmState[]): Promise<void> {
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
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
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
