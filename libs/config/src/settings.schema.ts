import { z } from 'zod';
import { parseDecimalInteger } from '../../core/src/decimal-integer';

/**
 * A whole number in decimal digits, then checked by `checks`. `z.coerce.number()` took `0x1F90` as
 * 8080, `8e3` as 8000, ` 80 ` as 80 and an empty value as 0 (PORT= listened on a random port).
 */
const decimalInteger = (checks: z.ZodNumber, fallback: number) =>
  z
    .string()
    .transform((text, ctx) => {
      const n = parseDecimalInteger(text);
      if (n === undefined) ctx.addIssue({ code: 'custom', message: `must be a whole number in decimal digits (got '${text.slice(0, 40)}')` });
      return n ?? z.NEVER;
    })
    .pipe(checks)
    .default(String(fallback));

/** Process settings from the environment. Nothing outside libs/config reads process.env. */
export const settingsSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: decimalInteger(z.number().int().min(0).max(65535), 8080),
  ROUTER_CONFIG: z.string().optional(),
  DATABASE_URL: z.string().url().optional(),
  /** On a Postgres server: how long a statement, or the wait for a connection, may take before it fails. */
  DATABASE_TIMEOUT_MS: decimalInteger(z.number().int().positive(), 30_000),
  REDIS_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('.data'),
  GATEWAY_API_KEYS: z.string().optional(),
  /** Protects /v1/admin/*; only its SHA-256 is kept. */
  ADMIN_API_KEY: z.string().min(16, 'use at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  STATS_REFRESH_MS: decimalInteger(z.number().int().positive(), 500),
  BODY_LIMIT_BYTES: decimalInteger(z.number().int().positive(), 4 * 1024 * 1024),
  RECORD_FLUSH_MS: decimalInteger(z.number().int().positive(), 100),
  /** In the embedded default, run the scoring worker inside the gateway process. */
  INLINE_WORKER: z.enum(['true', 'false']).optional(),
  /** BullMQ key prefix in Redis, to keep several deployments (or test runs) apart on one Redis. */
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('router'),
  WORKER_CONCURRENCY: decimalInteger(z.number().int().positive(), 64),
});

export type SettingsEnv = z.infer<typeof settingsSchema>;
