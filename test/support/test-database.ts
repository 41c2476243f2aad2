import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../libs/storage/src';

/** The machine's Postgres (trust auth); CI starts it when it is down. */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/**
 * A Jest timeout for tests that open the embedded default (PGlite, Postgres in WebAssembly, running every
 * migration in process): about 17 s alone, past the default 60 s when two other CPU-bound processes share
 * the 2 cores (session 27's local CI).
 */
export const EMBEDDED_DATABASE_MS = 180_000;
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh, migrated database for one spec file, dropped by `drop()`. */
export async function createTestDatabase(): Promise<{ url: string; handle: DatabaseHandle; drop(): Promise<void> }> {
  const name = `t_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), dataDir: '' });
  await migrateToLatest(handle.db);
  return {
    url: url.toString(),
    handle,
    async drop() {
      await handle.close();
      const c = new Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
