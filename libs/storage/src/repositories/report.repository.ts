import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../database';

export interface ModelUsageRow {
  route: string;
  model_id: string;
  requests: number;
  errors: number;
  cost_usd: number;
  mean_latency_ms: number;
  mean_ttft_ms: number | null;
}

export interface ModelRewardRow {
  route: string;
  model_id: string;
  scored: number;
  mean_reward: number;
}

/** One (route, caller tag, model) of the report's breakdown by tag. */
export interface TagUsageRow {
  route: string;
  tag: string;
  model_id: string;
  requests: number;
  errors: number;
  cost_usd: number;
  scored: number;
  /** Mean reward of the scored ones; null when none is scored. */
  mean_reward: number | null;
}

/** Per route with a judge model: what its judge did (the `judge` entries of the scores, and its calls' records). */
export interface JudgeSummaryRow {
  route: string;
  /** Scores with a verdict. */
  judged: number;
  /** Mean verdict (1..10); null when none. */
  mean_score: number | null;
  /** Scores whose judge failed (scored by their validators alone). */
  unavailable: number;
  /** Scores sampled for the judge whose call was not made: a hard budget had no room for it (`judge skipped: budget`). */
  skipped_budget: number;
  /** Judge calls made (records of kind `judge`), and what they cost. */
  calls: number;
  cost_usd: number;
}

/**
 * Whose records a report reads: every tenant's (undefined: the admin's view) or one tenant's, told by
 * the spend ledger's entry for the record (written with it for every request that reached a provider,
 * and for every judge call: `SpendLedgerRepository`).
 */
export type ReportTenant = string | undefined;

/** True for a record (by its id) of `tenant`'s, or always when no tenant is given. */
function ofTenant(tenant: ReportTenant, requestId: RawBuilder<unknown>): RawBuilder<boolean> {
  if (tenant === undefined) return sql<boolean>`true`;
  return sql<boolean>`exists (select 1 from spend_ledger l where l.request_id = ${requestId} and l.tenant_id = ${tenant})`;
}

/**
 * The same for a score: a rejected attempt's is scored under `<request id>-a<n>` (chat.service
 * `scoreRejected`), which belongs to that request's tenant.
 */
function scoreOfTenant(tenant: ReportTenant, scoreId: RawBuilder<unknown>): RawBuilder<boolean> {
  if (tenant === undefined) return sql<boolean>`true`;
  return sql<boolean>`exists (select 1 from spend_ledger l where l.request_id in (${scoreId}, regexp_replace(${scoreId}, '-a[0-9]+$', '')) and l.tenant_id = ${tenant})`;
}

/** Aggregates for the learning report; scans only what a report shows, for every tenant or for one. */
export class ReportRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async usage(tenant?: ReportTenant): Promise<ModelUsageRow[]> {
    const rows = await this.db
      .selectFrom('requests')
      .select([
        'route',
        'model_id',
        (eb) => eb.fn.countAll<number>().as('requests'),
        sql<number>`count(*) filter (where status = 'error')`.as('errors'),
        (eb) => eb.fn.sum<number>('cost_usd').as('cost_usd'),
        (eb) => eb.fn.avg<number>('latency_ms').as('mean_latency_ms'),
        (eb) => eb.fn.avg<number>('ttft_ms').as('mean_ttft_ms'),
      ])
      .where('route', 'is not', null)
      .where('model_id', 'is not', null)
      // Embeddings calls are not routing decisions: the learning report leaves them out.
      .where('kind', '=', 'chat')
      .where(ofTenant(tenant, sql.ref('requests.id')))
      .groupBy(['route', 'model_id'])
      .execute();
    return rows.map((r) => ({
      route: r.route!,
      model_id: r.model_id!,
      requests: Number(r.requests),
      errors: Number(r.errors),
      cost_usd: Number(r.cost_usd ?? 0),
      mean_latency_ms: Number(r.mean_latency_ms ?? 0),
      mean_ttft_ms: r.mean_ttft_ms === null ? null : Number(r.mean_ttft_ms),
    }));
  }

  /**
   * Per route, every chat request of its records, those no model served included (refused before one,
   * or failed on every model): how many, how many failed, and what they all cost.
   */
  async routeTotals(tenant?: ReportTenant): Promise<Array<{ route: string; requests: number; errors: number; cost_usd: number }>> {
    const rows = await this.db
      .selectFrom('requests')
      .select([
        'route',
        (eb) => eb.fn.countAll<number>().as('requests'),
        sql<number>`count(*) filter (where status = 'error')`.as('errors'),
        (eb) => eb.fn.sum<number>('cost_usd').as('cost_usd'),
      ])
      .where('route', 'is not', null)
      .where('kind', '=', 'chat')
      .where(ofTenant(tenant, sql.ref('requests.id')))
      .groupBy('route')
      .execute();
    return rows.map((r) => ({ route: r.route!, requests: Number(r.requests), errors: Number(r.errors), cost_usd: Number(r.cost_usd ?? 0) }));
  }

  async rewards(tenant?: ReportTenant): Promise<ModelRewardRow[]> {
    const rows = await this.db
      .selectFrom('scores')
      .select([
        'route',
        'model_id',
        (eb) => eb.fn.countAll<number>().as('scored'),
        (eb) => eb.fn.avg<number>('reward').as('mean_reward'),
      ])
      .where(scoreOfTenant(tenant, sql.ref('scores.request_id')))
      .groupBy(['route', 'model_id'])
      .execute();
    return rows.map((r) => ({ route: r.route, model_id: r.model_id, scored: Number(r.scored), mean_reward: Number(r.mean_reward) }));
  }

  /** Requests, cost and reward per route, caller tag (`requests.tags`) and model; a request with two tags counts under each. */
  async tagUsage(tenant?: ReportTenant): Promise<TagUsageRow[]> {
    const rows = await sql<{ route: string; tag: string; model_id: string; requests: number; errors: number; cost_usd: number; scored: number; mean_reward: number | null }>`
      select r.route, t.tag, r.model_id, count(*)::int as requests, (count(*) filter (where r.status = 'error'))::int as errors,
        coalesce(sum(r.cost_usd), 0) as cost_usd, count(s.request_id)::int as scored, avg(s.reward) as mean_reward
      from requests r
      cross join lateral unnest(r.tags) as t(tag)
      left join scores s on s.request_id = r.id
      where r.route is not null and r.model_id is not null and cardinality(r.tags) > 0 and r.kind = 'chat'
        and ${ofTenant(tenant, sql.ref('r.id'))}
      group by r.route, t.tag, r.model_id`.execute(this.db);
    return rows.rows.map((r) => ({
      route: r.route,
      tag: r.tag,
      model_id: r.model_id,
      requests: Number(r.requests),
      errors: Number(r.errors),
      cost_usd: Number(r.cost_usd),
      scored: Number(r.scored),
      mean_reward: r.mean_reward === null ? null : Number(r.mean_reward),
    }));
  }

  /**
   * What each route's judge did: verdicts, failures and calls skipped for a budget from the scores'
   * `judge` results (a verdict's detail begins "<score>/10", a failure's "judge unavailable:", a skip
   * for a budget is "judge skipped: budget"), calls and cost from its records.
   */
  async judgeSummary(tenant?: ReportTenant): Promise<JudgeSummaryRow[]> {
    const { rows } = await sql<{ route: string; judged: number; mean_score: number | null; unavailable: number; skipped_budget: number; calls: number; cost_usd: number }>`
      with verdicts as (
        select s.route, e->>'detail' as detail
        from scores s cross join lateral jsonb_array_elements(s.results) as e
        where s.results @> '[{"validator": "judge"}]' and e->>'validator' = 'judge' and ${scoreOfTenant(tenant, sql.ref('s.request_id'))}
      ), by_score as (
        select route, (count(*) filter (where detail ~ '^[0-9.]+/10'))::int as judged,
          avg(substring(detail from '^([0-9.]+)/10')::double precision) as mean_score,
          (count(*) filter (where detail like 'judge unavailable:%'))::int as unavailable,
          (count(*) filter (where detail = 'judge skipped: budget'))::int as skipped_budget
        from verdicts group by route
      ), by_call as (
        select route, count(*)::int as calls, coalesce(sum(cost_usd), 0) as cost_usd
        from requests where kind = 'judge' and route is not null and ${ofTenant(tenant, sql.ref('requests.id'))} group by route
      )
      select coalesce(v.route, c.route) as route, coalesce(v.judged, 0) as judged, v.mean_score, coalesce(v.unavailable, 0) as unavailable,
        coalesce(v.skipped_budget, 0) as skipped_budget, coalesce(c.calls, 0) as calls, coalesce(c.cost_usd, 0) as cost_usd
      from by_score v full join by_call c on c.route = v.route`.execute(this.db);
    return rows.map((r) => ({
      route: r.route,
      judged: Number(r.judged),
      mean_score: r.mean_score === null ? null : Number(r.mean_score),
      unavailable: Number(r.unavailable),
      skipped_budget: Number(r.skipped_budget),
      calls: Number(r.calls),
      cost_usd: Number(r.cost_usd),
    }));
  }

  /** Requests per model among the last `window` requests of each route that reached a model (the tenant's, given one). */
  async recentShare(window: number, tenant?: ReportTenant): Promise<Array<{ route: string; model_id: string; requests: number }>> {
    const rows = await sql<{ route: string; model_id: string; requests: number }>`
      select route, model_id, count(*)::int as requests from (
        select route, model_id, row_number() over (partition by route order by created_at desc, id desc) as rn
        from requests where route is not null and model_id is not null and kind = 'chat' and ${ofTenant(tenant, sql.ref('requests.id'))}
      ) recent where rn <= ${window} group by route, model_id`.execute(this.db);
    return rows.rows.map((r) => ({ ...r, requests: Number(r.requests) }));
  }
}
