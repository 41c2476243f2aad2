import { z } from 'zod';

/** Process settings from the environment. Nothing outside libs/config reads process.env. */
export const settingsSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  ROUTER_CONFIG: z.string().optional(),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('.data'),
  GATEWAY_API_KEYS: z.string().optional(),
  /** Protects /v1/admin/*; only its SHA-256 is kept. */
  ADMIN_API_KEY: z.string().min(16, 'use at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  STATS_REFRESH_MS: z.coerce.number().int().positive().default(500),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(4 * 1024 * 1024),
  RECORD_FLUSH_MS: z.coerce.number().int().positive().default(100),
  /** In the embedded default, run the scoring worker inside the gateway process. */
  INLINE_WORKER: z.enum(['true', 'false']).optional(),
  /** BullMQ key prefix in Redis, to keep several deployments (or test runs) apart on one Redis. */
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('router'),
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(64),
});

export type SettingsEnv = z.infer<typeof settingsSchema>;
