import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/** A statement the database did not answer in time; its connection was closed. */
export class DatabaseTimeoutError extends Error {
  override readonly name = 'DatabaseTimeoutError';
}

/** What `timedPool` needs of a pg `Pool` (and of a fake one in its spec). */
export interface InnerPool {
  connect(): Promise<InnerPoolClient>;
  end(): Promise<void>;
}

export interface InnerPoolClient {
  query(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<unknown>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  /** pg-pool closes and drops a client released with an error instead of keeping it idle. */
  release(err?: Error): void;
}

/**
 * Kysely's pool over a pg pool, where every statement gets `timeoutMs` to answer. One that does not
 * fails with a DatabaseTimeoutError, and its connection is closed and dropped from the pool instead
 * of going back to it: after a failover or a network partition a socket can stay open with nobody
 * behind it (TCP gives up on unacknowledged data only after about 15 minutes), and every statement
 * later sent on it would wait behind the unanswered one. The next checkout opens a fresh connection.
 * A statement after the timeout on the same checkout (a transaction's ROLLBACK) fails at once.
 */
export function timedPool(pool: InnerPool, timeoutMs: number): PostgresPool {
  return {
    async connect() {
      return new TimedClient(await pool.connect(), timeoutMs);
    },
    end: () => pool.end(),
  };
}

class TimedClient implements PostgresPoolClient {
  private broken?: DatabaseTimeoutError;
  private released = false;

  constructor(
    private readonly client: InnerPoolClient,
    private readonly timeoutMs: number,
  ) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(sqlOrCursor: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    // A cursor reads in several round trips the caller paces; none of our repositories streams.
    if (typeof sqlOrCursor !== 'string') return this.client.query(sqlOrCursor);
    if (this.broken) return Promise.reject(this.broken);
    const answer = this.client.query(sqlOrCursor, parameters ?? []) as Promise<PostgresQueryResult<R>>;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.broken = new DatabaseTimeoutError(`The database did not answer within ${this.timeoutMs} ms.`);
        this.releaseOnce(this.broken);
        reject(this.broken);
      }, this.timeoutMs);
      answer.then(
        (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  release(): void {
    this.releaseOnce(this.broken);
  }

  private releaseOnce(err?: Error): void {
    if (this.released) return;
    this.released = true;
    this.client.release(err);
  }
}
