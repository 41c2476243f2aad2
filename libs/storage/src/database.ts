import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface AttemptRecord {
  modelId: string;
  providerId: string;
  status: 'success' | 'error';
  errorKind?: string;
  httpStatus?: number;
  latencyMs: number;
  costUsd: number;
}

export interface RequestsTable {
  id: string;
  created_at: Timestamp;
  route: string | null;
  context_key: ColumnType<string, string | undefined, string>;
  model_id: string | null;
  provider_id: string | null;
  key_id: string | null;
  status: 'success' | 'error';
  http_status: number;
  error_type: string | null;
  error_message: string | null;
  streamed: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cost_usd: number;
  latency_ms: number;
  ttft_ms: number | null;
  finish_reason: string | null;
  decision_reason: string | null;
  attempts: Json<AttemptRecord[]>;
  /** The prompt template the request went out with (migration 20261121T153000-prompt-template). */
  prompt_template: ColumnType<string | null, string | null | undefined, string | null>;
  /** The caller's tags (migration 20261206T030000-request-tags); empty when it has none. */
  tags: ColumnType<string[], string[] | undefined, string[]>;
  /**
   * `chat` (routed, scored) or `embeddings` (POST /v1/embeddings: never scored, left out of the
   * learning reports); migration 20261206T200000-request-kind.
   */
  kind: ColumnType<RequestKind, RequestKind | undefined, RequestKind>;
}

/** `judge`: a judge model's call made by the scoring worker (route option `judge`): spend, never traffic. */
export type RequestKind = 'chat' | 'embeddings' | 'judge';

export interface ValidatorResultRecord {
  validator: string;
  passed: boolean;
  detail?: string;
}

export interface ScoresTable {
  request_id: string;
  route: string;
  context_key: string;
  model_id: string;
  validator_reward: number;
  feedback: number | null;
  /** Weight of explicit feedback against the validators in `reward` (the route's `feedback_weight`). */
  feedback_weight: Generated<number>;
  reward: number;
  results: Json<ValidatorResultRecord[]>;
  scored_at: Timestamp;
  /** The prompt's hashed-word buckets, for routes with `learner: hashed_words` (else null). */
  features: ColumnType<number[] | null, number[] | null | undefined, number[] | null>;
}

export interface FeedbackTable {
  request_id: string;
  score: number;
  comment: string | null;
  created_at: Timestamp;
}

export interface ArmStatsTable {
  route: string;
  context_key: string;
  model_id: string;
  successes: number;
  failures: number;
  completion_tokens: number;
  cost_usd: number;
  observations: number;
  /** Silent-regression statistic of the arm (libs/router drift-detector); 0 when new. */
  drift_statistic: ColumnType<number, number | undefined, number>;
  /**
   * On the row of a context's refuted anchor (libs/router `nextRefutedMarker`): how many more of the
   * context's scores the marker lasts; 0 elsewhere.
   */
  refuted_left: ColumnType<number, number | undefined, number>;
  updated_at: Timestamp;
  /** Id of the transaction that last wrote the row (xid8, as text); see `ArmStatsRepository.changesAfter`. */
  txid: ColumnType<string, string | undefined, string>;
}

/** One (route, model)'s hashed-word logistic regression (libs/router hashed-logistic), float32 LE bytes. */
export interface WordArmsTable {
  route: string;
  model_id: string;
  bits: number;
  prior_precision: number;
  observations: number;
  mean: Buffer;
  precision: Buffer;
  /** See LogisticArmState.wordsLogOdds (default 0). */
  words_log_odds: ColumnType<number, number | undefined, number>;
  updated_at: Timestamp;
  /** Id of the transaction that last wrote the row (xid8, as text); see `ArmStatsRepository.changesAfter`. */
  txid: ColumnType<string, string | undefined, string>;
}

export interface SpendDailyTable {
  day: ColumnType<string, string, string>;
  route: string;
  model_id: string;
  cost_usd: number;
  requests: number;
}

export interface Database {
  requests: RequestsTable;
  scores: ScoresTable;
  feedback: FeedbackTable;
  arm_stats: ArmStatsTable;
  word_arms: WordArmsTable;
  spend_daily: SpendDailyTable;
}

export type WordArmRow = Selectable<WordArmsTable>;
export type RequestRow = Selectable<RequestsTable>;
export type NewRequestRow = Insertable<RequestsTable>;
export type ArmStatsRow = Selectable<ArmStatsTable>;
