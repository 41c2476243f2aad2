import { Kysely, PostgresDialect } from 'kysely';
import { Pool, types } from 'pg';
import type { Database } from './database';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';

// Counters are numbers in TypeScript: bigint (count(*), sum of integers) and numeric arrive as strings otherwise.
types.setTypeParser(types.builtins.INT8, (v) => Number(v));
types.setTypeParser(types.builtins.NUMERIC, (v) => Number(v));
types.setTypeParser(types.builtins.DATE, (v) => v);

export interface DatabaseHandle {
  db: Kysely<Database>;
  /** `postgres` for a real server, `embedded` for PGlite under the data directory. */
  kind: 'postgres' | 'embedded';
  close(): Promise<void>;
}

/**
 * Opens the database: the Postgres at `url` when given, otherwise an embedded PGlite served over the
 * Postgres wire protocol on loopback, so both run the same `pg` + Kysely code.
 */
export async function openDatabase(options: { url?: string; dataDir: string; poolSize?: number }): Promise<DatabaseHandle> {
  let embedded: EmbeddedPostgres | undefined;
  let connectionString = options.url;
  if (!connectionString) {
    embedded = await startEmbeddedPostgres(options.dataDir);
    connectionString = embedded.url;
  }
  // PGlite is a single connection: one pooled client keeps its transactions from interleaving.
  const pool = new Pool({ connectionString, max: embedded ? 1 : (options.poolSize ?? 10) });
  pool.on('error', () => {
    /* an idle client lost its connection; the pool replaces it on next use */
  });
  // A checked-out client whose connection drops between two statements emits 'error' with nobody
  // listening, which would crash the process; the failure reaches its caller through the next query.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: embedded ? 'embedded' : 'postgres',
    async close() {
      await db.destroy();
      await embedded?.stop();
    },
  };
}
