import { sql, type Kysely } from 'kysely';
import type { Database, NewRequestRow, RequestKind, RequestRow } from '../database';
import { toPostgresJson } from '../postgres-json';
import type { RecordSpend } from './spend-ledger.repository';

/** RequestRecordRepository.scoreDelayCounts: a route's recent chat requests and their scores. */
export interface ScoreDelayCounts {
  /** The route's most recent chat requests counted (at most the window asked for). */
  recent: number;
  /** Of those, the ones served (status success): each was sent for scoring. */
  served: number;
  /** Of the served ones, those with no score yet. */
  awaitingScores: number;
  /** Whether any answer of the route was ever scored. */
  anyScored: boolean;
}

export class RequestRecordRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Writes a batch of request records and adds their cost to the daily spend rollup, with, for the
   * records that have one (`spendOf[i]` for `records[i]`), their spend entry in the ledger and its rollup per tenant, key, route and
   * model: all in one statement (one round trip, atomic without a transaction). Idempotent: a record
   * or spend entry already written (a retried or replayed batch) is skipped, rollups included.
   * Returns how many records were new.
   */
  async insertBatch(records: NewRequestRow[], spendOf: ReadonlyArray<RecordSpend | undefined> = []): Promise<number> {
    if (records.length === 0) return 0;
    // The whole batch as one JSON parameter, unpacked by Postgres: building a 200-row insert value by
    // value was ~5% of the gateway's CPU. Columns the row leaves out get the table's defaults;
    // `attempts` is read as text (its JSON, whether the row holds it as a string or an array) and cast.
    // Each rollup takes only the rows its insert wrote (RETURNING), per UTC day, in key order: two batches
    // that share rollup rows lock them in the same order, so they wait for each other instead of deadlocking.
    const spend = records.flatMap((r, i) => {
      const s = spendOf[i];
      return s ? [{ request_id: r.id, created_at: r.created_at, tenant_id: s.tenantId, key_id: s.keyId, route: s.route, model_id: s.modelId, cost_usd: s.costUsd }] : [];
    });
    const { rows } = await sql<{ n: number }>`
      WITH inserted AS (
        INSERT INTO requests (id, created_at, route, context_key, model_id, provider_id, key_id, status, http_status, error_type,
          error_message, streamed, prompt_tokens, completion_tokens, cached_tokens, cost_usd, latency_ms, ttft_ms, finish_reason,
          decision_reason, attempts, prompt_template, tags, kind)
        SELECT id, created_at, route, coalesce(context_key, ''), model_id, provider_id, key_id, status, http_status, error_type,
          error_message, coalesce(streamed, false), coalesce(prompt_tokens, 0), coalesce(completion_tokens, 0), coalesce(cached_tokens, 0),
          coalesce(cost_usd, 0), coalesce(latency_ms, 0), ttft_ms, finish_reason, decision_reason, coalesce(attempts, '[]')::jsonb, prompt_template,
          coalesce(tags, '{}'), coalesce(kind, 'chat')
        FROM jsonb_to_recordset(${toPostgresJson(records)}::jsonb) AS r(id text, created_at timestamptz, route text,
          context_key text, model_id text, provider_id text, key_id text, status text, http_status integer, error_type text,
          error_message text, streamed boolean, prompt_tokens integer, completion_tokens integer, cached_tokens integer,
          cost_usd double precision, latency_ms double precision, ttft_ms double precision, finish_reason text, decision_reason text,
          attempts text, prompt_template text, tags text[], kind text)
        ON CONFLICT (id) DO NOTHING
        RETURNING created_at, route, model_id, cost_usd
      ), rollup AS (
        INSERT INTO spend_daily (day, route, model_id, cost_usd, requests)
        SELECT (created_at AT TIME ZONE 'UTC')::date, route, model_id, sum(cost_usd), count(*)::integer
        FROM inserted
        WHERE route IS NOT NULL AND model_id IS NOT NULL
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3
        ON CONFLICT (day, route, model_id) DO UPDATE
          SET cost_usd = spend_daily.cost_usd + excluded.cost_usd, requests = spend_daily.requests + excluded.requests
      ), ledger AS (
        INSERT INTO spend_ledger (request_id, created_at, tenant_id, key_id, route, model_id, cost_usd)
        SELECT request_id, created_at, tenant_id, key_id, route, model_id, cost_usd
        FROM jsonb_to_recordset(${toPostgresJson(spend)}::jsonb) AS s(request_id text, created_at timestamptz, tenant_id text, key_id text,
          route text, model_id text, cost_usd double precision)
        ON CONFLICT (request_id) DO NOTHING
        RETURNING created_at, tenant_id, key_id, route, model_id, cost_usd
      ), ledger_rollup AS (
        INSERT INTO spend_rollup_daily (day, tenant_id, key_id, route, model_id, cost_usd, requests)
        SELECT (created_at AT TIME ZONE 'UTC')::date, tenant_id, coalesce(key_id, ''), route, coalesce(model_id, ''), sum(cost_usd), count(*)::integer
        FROM ledger
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (day, tenant_id, key_id, route, model_id) DO UPDATE
          SET cost_usd = spend_rollup_daily.cost_usd + excluded.cost_usd, requests = spend_rollup_daily.requests + excluded.requests
      )
      SELECT count(*)::integer AS n FROM inserted`.execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }

  async findById(id: string): Promise<RequestRow | undefined> {
    return this.db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The kind of a written record; undefined when there is none with this id. */
  async kindOf(id: string): Promise<RequestKind | undefined> {
    const row = await this.db.selectFrom('requests').select('kind').where('id', '=', id).executeTakeFirst();
    return row?.kind;
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * What the score-delay gate counts (libs/router score-delay-gate.ts) over the route's `window` most
   * recent chat requests: how many there are, how many were served (each is sent for scoring), how many
   * of those have no score yet; and whether any of the route's answers was ever scored. Reads at most
   * `window` rows through the (route, created_at) index and the scores' primary key.
   */
  async scoreDelayCounts(route: string, window: number): Promise<ScoreDelayCounts> {
    const recent = this.db
      .selectFrom('requests')
      .select(['id', 'status'])
      .where('route', '=', route)
      .where('kind', '=', 'chat')
      .orderBy('created_at', 'desc')
      .limit(window)
      .as('r');
    const row = await this.db
      .selectFrom(recent)
      .select([
        (eb) => eb.fn.countAll<string>().as('recent'),
        sql<string>`count(*) filter (where r.status = 'success')`.as('served'),
        sql<string>`count(*) filter (where r.status = 'success' and not exists (select 1 from scores s where s.request_id = r.id))`.as('awaiting'),
        sql<boolean>`exists (select 1 from scores s where s.route = ${route})`.as('any_scored'),
      ])
      .executeTakeFirstOrThrow();
    return { recent: Number(row.recent), served: Number(row.served), awaitingScores: Number(row.awaiting), anyScored: row.any_scored === true };
  }

  /** The most recent requests of a route, newest first. */
  async recent(route: string | undefined, limit: number): Promise<RequestRow[]> {
    let q = this.db.selectFrom('requests').selectAll().orderBy('created_at', 'desc').limit(limit);
    if (route) q = q.where('route', '=', route);
    return q.execute();
  }
}

