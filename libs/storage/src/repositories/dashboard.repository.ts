import { sql, type Kysely } from 'kysely';
import type { AttemptRecord, Database, RequestKind, ValidatorResultRecord } from '../database';

/**
 * How the requests of a route are grouped into time-series buckets: a fixed number of buckets of
 * (nearly) equal request counts, N requests per bucket, or one bucket per `seconds` of wall time.
 */
export type Bucketing = { by: 'count'; buckets: number } | { by: 'requests'; size: number } | { by: 'time'; seconds: number };

/** One (bucket, model) cell of a route's time series. `model_id` is null for requests no model served. */
export interface SeriesCellRow {
  bucket: number;
  model_id: string | null;
  start_at: Date;
  end_at: Date;
  requests: number;
  successes: number;
  explored: number;
  exploited: number;
  constrained: number;
  only_candidate: number;
  fallbacks: number;
  cost_usd: number;
  /** What the route's judge model cost grading these requests (records of kind `judge`, `<request id>-judge-<uuid>`). */
  judge_cost_usd: number;
  prompt_tokens: number;
  completion_tokens: number;
  /** Cache hits among `prompt_tokens`. */
  cached_tokens: number;
  /** The tokens of the requests whose prompt is over `longPromptAbove` (part of the three sums above; 0 without a line). */
  long_prompt_tokens: number;
  long_cached_tokens: number;
  long_completion_tokens: number;
  mean_latency_ms: number | null;
  mean_ttft_ms: number | null;
  scored: number;
  reward_sum: number;
  below_floor: number;
}

export interface RecentRequestRow {
  id: string;
  created_at: Date;
  route: string | null;
  model_id: string | null;
  provider_id: string | null;
  status: 'success' | 'error';
  http_status: number;
  error_type: string | null;
  decision_reason: string | null;
  /** `embeddings` for POST /v1/embeddings calls (no decision, never scored), else `chat`. */
  kind: RequestKind;
  streamed: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  latency_ms: number;
  ttft_ms: number | null;
  attempts: AttemptRecord[];
  reward: number | null;
}

export interface RequestDetailRow extends RecentRequestRow {
  context_key: string;
  key_id: string | null;
  error_message: string | null;
  finish_reason: string | null;
  cached_tokens: number;
  score: { validator_reward: number; feedback: number | null; reward: number; results: ValidatorResultRecord[]; scored_at: Date } | null;
  user_feedback: { score: number; comment: string | null; created_at: Date } | null;
}

/** Reads for the dashboard, the report CLI, metrics scrapes and readiness: never on the request path. */
export class DashboardRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Per bucket and model, over the last `limit` requests of `route`; buckets numbered oldest first.
   * `longPromptAbove`: a prompt size whose requests' tokens are also summed apart (the baseline model's
   * long-context line, over which its whole call is billed at other prices); null: none.
   */
  async series(route: string, limit: number, bucketing: Bucketing, qualityFloor: number, longPromptAbove: number | null = null): Promise<SeriesCellRow[]> {
    const bucket =
      bucketing.by === 'count'
        ? sql<number>`n.tile`
        : bucketing.by === 'requests'
          ? sql<number>`(n.seq / ${bucketing.size}::int)`
          : sql<number>`floor(extract(epoch from n.created_at) / ${bucketing.seconds}::int)::bigint`;
    const tiles = bucketing.by === 'count' ? bucketing.buckets : 1;
    const rows = await sql<SeriesCellRow>`
      with recent as (
        select id, created_at, model_id, status, decision_reason, cost_usd, prompt_tokens, completion_tokens, cached_tokens, latency_ms, ttft_ms, attempts,
          (${longPromptAbove}::int is not null and prompt_tokens > ${longPromptAbove}::int) as long_prompt
        from requests where route = ${route} and kind = 'chat'
        order by created_at desc, id desc limit ${limit}::int
      ), judged as (
        select left(j.id, strpos(j.id, '-judge-') - 1) as request_id, sum(j.cost_usd) as cost_usd
        from requests j
        where j.route = ${route} and j.kind = 'judge' and j.created_at >= (select min(created_at) from recent)
        group by 1
      ), numbered as (
        select recent.*, row_number() over (order by created_at, id) - 1 as seq, ntile(${tiles}::int) over (order by created_at, id) - 1 as tile from recent
      )
      select ${bucket} as bucket, n.model_id,
        min(n.created_at) as start_at, max(n.created_at) as end_at,
        count(*)::int as requests,
        (count(*) filter (where n.status = 'success'))::int as successes,
        (count(*) filter (where n.decision_reason = 'explore'))::int as explored,
        (count(*) filter (where n.decision_reason = 'exploit'))::int as exploited,
        (count(*) filter (where n.decision_reason = 'constraint'))::int as constrained,
        (count(*) filter (where n.decision_reason = 'only_candidate'))::int as only_candidate,
        (count(*) filter (where jsonb_array_length(n.attempts) > 1))::int as fallbacks,
        coalesce(sum(n.cost_usd), 0)::float8 as cost_usd,
        coalesce(sum(jd.cost_usd), 0)::float8 as judge_cost_usd,
        coalesce(sum(n.prompt_tokens), 0)::float8 as prompt_tokens,
        coalesce(sum(n.completion_tokens), 0)::float8 as completion_tokens,
        coalesce(sum(n.cached_tokens), 0)::float8 as cached_tokens,
        coalesce(sum(n.prompt_tokens) filter (where n.long_prompt), 0)::float8 as long_prompt_tokens,
        coalesce(sum(n.cached_tokens) filter (where n.long_prompt), 0)::float8 as long_cached_tokens,
        coalesce(sum(n.completion_tokens) filter (where n.long_prompt), 0)::float8 as long_completion_tokens,
        avg(n.latency_ms)::float8 as mean_latency_ms,
        avg(n.ttft_ms)::float8 as mean_ttft_ms,
        count(s.reward)::int as scored,
        coalesce(sum(s.reward), 0)::float8 as reward_sum,
        (count(*) filter (where s.reward < ${qualityFloor}::float8))::int as below_floor
      from numbered n left join scores s on s.request_id = n.id left join judged jd on jd.request_id = n.id
      group by 1, n.model_id
      order by 1, n.model_id`.execute(this.db);
    return rows.rows.map((r) => ({
      ...r,
      bucket: Number(r.bucket),
      start_at: new Date(r.start_at),
      end_at: new Date(r.end_at),
      mean_latency_ms: r.mean_latency_ms === null ? null : Number(r.mean_latency_ms),
      mean_ttft_ms: r.mean_ttft_ms === null ? null : Number(r.mean_ttft_ms),
    }));
  }

  /** The most recent requests, newest first, with their reward once scored. */
  async recent(options: { route?: string; limit: number }): Promise<RecentRequestRow[]> {
    let query = this.db
      .selectFrom('requests as r')
      .leftJoin('scores as s', 's.request_id', 'r.id')
      .select([
        'r.id',
        'r.created_at',
        'r.route',
        'r.model_id',
        'r.provider_id',
        'r.status',
        'r.http_status',
        'r.error_type',
        'r.decision_reason',
        'r.kind',
        'r.streamed',
        'r.prompt_tokens',
        'r.completion_tokens',
        'r.cost_usd',
        'r.latency_ms',
        'r.ttft_ms',
        'r.attempts',
        's.reward',
      ])
      .orderBy('r.created_at', 'desc')
      .orderBy('r.id', 'desc')
      .limit(options.limit);
    if (options.route) query = query.where('r.route', '=', options.route);
    return query.execute();
  }

  async detail(id: string): Promise<RequestDetailRow | undefined> {
    const row = await this.db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const [score, feedback] = await Promise.all([
      this.db.selectFrom('scores').select(['validator_reward', 'feedback', 'reward', 'results', 'scored_at']).where('request_id', '=', id).executeTakeFirst(),
      this.db.selectFrom('feedback').select(['score', 'comment', 'created_at']).where('request_id', '=', id).executeTakeFirst(),
    ]);
    return { ...row, reward: score?.reward ?? null, score: score ?? null, user_feedback: feedback ?? null };
  }

  /** USD and requests per UTC day for a route, from the daily rollup, oldest first. */
  async dailySpend(route: string, sinceDay: string): Promise<Array<{ day: string; cost_usd: number; requests: number }>> {
    const rows = await this.db
      .selectFrom('spend_daily')
      .select(['day', (eb) => eb.fn.sum<number>('cost_usd').as('cost_usd'), (eb) => eb.fn.sum<number>('requests').as('requests')])
      .where('route', '=', route)
      .where('day', '>=', sinceDay)
      .groupBy('day')
      .orderBy('day')
      .execute();
    return rows.map((r) => ({ day: String(r.day), cost_usd: Number(r.cost_usd), requests: Number(r.requests) }));
  }

  /**
   * Served requests of these routes since `since` that have no score yet: how many, and when the
   * oldest was made (the scoring lag).
   */
  async unscored(routes: string[], since: Date): Promise<{ pending: number; oldest: Date | null }> {
    if (routes.length === 0) return { pending: 0, oldest: null };
    const row = await this.db
      .selectFrom('requests as r')
      .select([(eb) => eb.fn.countAll<number>().as('pending'), (eb) => eb.fn.min('r.created_at').as('oldest')])
      .where('r.route', 'in', routes)
      .where('r.kind', '=', 'chat')
      .where('r.created_at', '>', since)
      .where('r.status', '=', 'success')
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('scores as s').select('s.request_id').whereRef('s.request_id', '=', 'r.id'))))
      .executeTakeFirstOrThrow();
    return { pending: Number(row.pending), oldest: row.oldest ? new Date(row.oldest) : null };
  }

  /**
   * Judge calls (records of kind `judge`) of these routes since `since`, per route, judge model and
   * status, with what they cost. Read through the (route, created_at) index, as `unscored` is.
   */
  async judgeCalls(routes: string[], since: Date): Promise<Array<{ route: string; modelId: string; status: 'success' | 'error'; calls: number; costUsd: number }>> {
    if (routes.length === 0) return [];
    const rows = await this.db
      .selectFrom('requests')
      .select(['route', 'model_id', 'status', (eb) => eb.fn.countAll<number>().as('calls'), sql<number>`coalesce(sum(cost_usd), 0)::float8`.as('cost_usd')])
      .where('route', 'in', routes)
      .where('kind', '=', 'judge')
      .where('created_at', '>', since)
      .groupBy(['route', 'model_id', 'status'])
      .execute();
    return rows.map((r) => ({ route: r.route ?? '', modelId: r.model_id ?? '', status: r.status, calls: Number(r.calls), costUsd: Number(r.cost_usd) }));
  }

  /** A trivial round trip, for readiness. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }
}
