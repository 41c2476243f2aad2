import { Kysely, PostgresDialect } from 'kysely';
import { Pool, types } from 'pg';
import type { Database } from './database';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { timedPool } from './timed-pool';

// Counters are numbers in TypeScript: bigint (count(*), sum of integers) and numeric arrive as strings otherwise.
types.setTypeParser(types.builtins.INT8, (v) => Number(v));
types.setTypeParser(types.builtins.NUMERIC, (v) => Number(v));
types.setTypeParser(types.builtins.DATE, (v) => v);

export interface DatabaseHandle {
  /** For the application: on a Postgres server each statement is bounded by `timeoutMs`. */
  db: Kysely<Database>;
  /** The same connections without the statement bound, for migrations (a schema change on a big table may take minutes). */
  migrationDb: Kysely<Database>;
  /** `postgres` for a real server, `embedded` for PGlite under the data directory. */
  kind: 'postgres' | 'embedded';
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  url?: string;
  dataDir: string;
  poolSize?: number;
  /**
   * On a Postgres server (`url`): how long a statement may go unanswered, and how long a call may wait
   * for a connection (to open one, or for one of the pool's to come free), before it fails. Unset: no
   * bound. The embedded database has none: its one connection is on loopback in this process.
   */
  timeoutMs?: number;
}

/**
 * Opens the database: the Postgres at `url` when given, otherwise an embedded PGlite served over the
 * Postgres wire protocol on loopback, so both run the same `pg` + Kysely code.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  let embedded: EmbeddedPostgres | undefined;
  let connectionString = options.url;
  if (!connectionString) {
    embedded = await startEmbeddedPostgres(options.dataDir);
    connectionString = embedded.url;
  }
  // PGlite is a single connection: one pooled client keeps its transactions from interleaving.
  const bounded = !embedded && options.timeoutMs !== undefined;
  const pool = new Pool({
    connectionString,
    max: embedded ? 1 : (options.poolSize ?? 10),
    // A connection whose server vanished (failover, partition) is noticed while idle, not at its next use.
    ...(embedded ? {} : { keepAlive: true, keepAliveInitialDelayMillis: 10_000 }),
    ...(bounded ? { connectionTimeoutMillis: options.timeoutMs } : {}),
  });
  pool.on('error', () => {
    /* an idle client lost its connection; the pool replaces it on next use */
  });
  // A checked-out client whose connection drops between two statements emits 'error' with nobody
  // listening, which would crash the process; the failure reaches its caller through the next query.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const migrationDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const db = bounded ? new Kysely<Database>({ dialect: new PostgresDialect({ pool: timedPool(pool, options.timeoutMs!) }) }) : migrationDb;
  return {
    db,
    migrationDb,
    kind: embedded ? 'embedded' : 'postgres',
    async close() {
      // Both share the one pg pool: destroying one ends it (a second end would throw).
      await db.destroy();
      await embedded?.stop();
    },
  };
}
