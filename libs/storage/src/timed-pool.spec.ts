import type { PostgresCursor, PostgresQueryResult } from 'kysely';
import { DatabaseTimeoutError, timedPool, type InnerPool, type InnerPoolClient } from './timed-pool';

/** A pool of one client whose statements answer when the test says so. */
function fakePool() {
  const pending: Array<{ sql: string; answer: (rows: unknown[]) => void; fail: (err: Error) => void }> = [];
  const releases: Array<Error | undefined> = [];
  const client: InnerPoolClient = {
    query: ((sql: string | PostgresCursor<unknown>) => {
      if (typeof sql !== 'string') return sql;
      return new Promise<PostgresQueryResult<unknown>>((resolve, reject) => {
        pending.push({ sql, answer: (rows) => resolve({ command: 'SELECT', rowCount: rows.length, rows }), fail: reject });
      });
    }) as InnerPoolClient['query'],
    release: (err?: Error) => void releases.push(err),
  };
  const pool: InnerPool = { connect: async () => client, end: async () => undefined };
  return { pool, pending, releases };
}

describe('timedPool', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('passes an answer in time through, and hands the connection back to the pool', async () => {
    const { pool, pending, releases } = fakePool();
    const client = await timedPool(pool, 1000).connect();
    const result = client.query('select 1', []);
    jest.advanceTimersByTime(999);
    pending[0]!.answer([{ n: 1 }]);
    await expect(result).resolves.toMatchObject({ rows: [{ n: 1 }] });
    client.release();
    expect(releases).toEqual([undefined]);
  });

  it('fails a statement not answered in time and drops its connection from the pool at once', async () => {
    const { pool, pending, releases } = fakePool();
    const client = await timedPool(pool, 1000).connect();
    const result = client.query('select pg_sleep(60)', []);
    jest.advanceTimersByTime(1000);
    await expect(result).rejects.toBeInstanceOf(DatabaseTimeoutError);
    // Released with the error (pg-pool then closes the socket), before the caller's own release.
    expect(releases).toHaveLength(1);
    expect(releases[0]).toBeInstanceOf(DatabaseTimeoutError);
    // A late answer changes nothing.
    pending[0]!.answer([]);
  });

  it('refuses further statements on a timed-out checkout without sending them, and releases once', async () => {
    const { pool, pending, releases } = fakePool();
    const client = await timedPool(pool, 50).connect();
    const first = client.query('update t set x = 1', []);
    jest.advanceTimersByTime(50);
    await expect(first).rejects.toBeInstanceOf(DatabaseTimeoutError);
    await expect(client.query('rollback', [])).rejects.toBeInstanceOf(DatabaseTimeoutError);
    expect(pending.map((p) => p.sql)).toEqual(['update t set x = 1']);
    client.release();
    expect(releases).toHaveLength(1);
  });

  it("passes the database's own error through and keeps the connection", async () => {
    const { pool, pending, releases } = fakePool();
    const client = await timedPool(pool, 1000).connect();
    const result = client.query('select nope', []);
    pending[0]!.fail(new Error('column "nope" does not exist'));
    await expect(result).rejects.toThrow('column "nope" does not exist');
    jest.advanceTimersByTime(5000);
    client.release();
    expect(releases).toEqual([undefined]);
  });
});
