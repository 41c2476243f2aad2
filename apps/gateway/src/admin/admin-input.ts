import { z, type ZodType } from 'zod';
import { MAX_COUNTER_USD, MIN_LIMIT_USD } from '../../../../libs/budget/src/money';
import { GatewayError } from '../../../../libs/core/src';
import { isStorableText } from '../../../../libs/storage/src';

/** Free text stored as sent: Postgres refuses NUL (a 500 after the fact), so it is refused here. */
const text = (min: number, max: number) => z.string().min(min).max(max).refine(isStorableText, 'must not hold a NUL character or an unpaired surrogate');
const id = z.string().min(1).max(200).regex(/^[A-Za-z0-9._:\/-]+$/, 'use letters, digits and . _ : / -');
/** Limits are stored as Postgres `integer`: a larger one would fail the insert (a 500) instead of the request (a 400). */
const MAX_PER_MINUTE = 2_147_483_647;
const perMinute = z.number().int().positive().max(MAX_PER_MINUTE, `at most ${MAX_PER_MINUTE}`);

/**
 * Budget counters are exact integer nano-dollars up to MAX_COUNTER_USD; past it a reservation fails (a
 * 500) or miscounts. Below one nano-dollar a hard cap is 0 in the counters and refuses every request.
 */
const limitUsd = z
  .number()
  .positive()
  .min(MIN_LIMIT_USD, `at least ${MIN_LIMIT_USD} (one nano-dollar, the smallest amount the budget counters and ledger rollups count)`)
  .max(MAX_COUNTER_USD, `at most ${MAX_COUNTER_USD}`);

export const newTenantSchema = z.object({ id, name: text(1, 200).optional(), rpm: perMinute.optional(), tpm: perMinute.optional() }).strict();

export const newKeySchema = z
  .object({
    tenant_id: id.default('default'),
    name: text(0, 200).optional(),
    tier: text(1, 100).optional(),
    allowed_routes: z.array(id).optional(),
    allowed_models: z.array(id).optional(),
    tags: z.array(text(1, 100)).max(50).optional(),
    rpm: perMinute.optional(),
    tpm: perMinute.optional(),
    expires_at: z.string().datetime({ offset: true }).optional(),
  })
  .strict();

export const newBudgetSchema = z
  .object({
    scope: z.enum(['key', 'tenant', 'route']),
    subject: id,
    period: z.enum(['day', 'week', 'month', 'rolling']),
    window_seconds: z.number().int().min(60).max(366 * 86_400).optional(),
    hard_limit_usd: limitUsd.optional(),
    soft_limit_usd: limitUsd.optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.hard_limit_usd === undefined && b.soft_limit_usd === undefined) ctx.addIssue({ code: 'custom', path: ['hard_limit_usd'], message: 'set hard_limit_usd, soft_limit_usd or both' });
    // Spend stops at the hard cap: a soft limit above it would never alert.
    if (b.hard_limit_usd !== undefined && b.soft_limit_usd !== undefined && b.soft_limit_usd > b.hard_limit_usd) {
      ctx.addIssue({ code: 'custom', path: ['soft_limit_usd'], message: 'must not be above hard_limit_usd' });
    }
    if (b.period === 'rolling' && b.window_seconds === undefined) ctx.addIssue({ code: 'custom', path: ['window_seconds'], message: 'a rolling budget needs window_seconds' });
    if (b.period !== 'rolling' && b.window_seconds !== undefined) ctx.addIssue({ code: 'custom', path: ['window_seconds'], message: 'only a rolling budget takes window_seconds' });
  });

/**
 * `POST /v1/admin/budgets/{id}`: new limits, checked against the budget's other limit by the service.
 * `null` removes a limit (a soft-only or a hard-only budget, as creation allows); removing both is refused.
 */
export const budgetLimitsSchema = z
  .object({ hard_limit_usd: limitUsd.nullable().optional(), soft_limit_usd: limitUsd.nullable().optional() })
  .strict()
  .superRefine((b, ctx) => {
    if (b.hard_limit_usd === undefined && b.soft_limit_usd === undefined) ctx.addIssue({ code: 'custom', path: ['hard_limit_usd'], message: 'set hard_limit_usd, soft_limit_usd or both' });
    if (b.hard_limit_usd === null && b.soft_limit_usd === null) ctx.addIssue({ code: 'custom', path: ['hard_limit_usd'], message: 'a budget needs a hard or a soft limit; to remove both, DELETE the budget' });
  });

/** At least one field: an empty change is the caller's mistake, as for a budget's. */
function someField(fields: readonly string[]) {
  return (body: Record<string, unknown>, ctx: z.RefinementCtx) => {
    if (Object.values(body).every((v) => v === undefined)) ctx.addIssue({ code: 'custom', path: [], message: `set at least one of ${fields.join(', ')}` });
  };
}

const KEY_FIELDS = ['name', 'tier', 'allowed_routes', 'allowed_models', 'tags', 'rpm', 'tpm', 'expires_at'] as const;

/**
 * `POST /v1/admin/keys/{id}`: the fields to change, as at creation; a missing field stays, `null`
 * clears one (no name, no tier, every route, every model, no tags, no limit, no expiry). The tenant
 * is not among them: a key's spend and budgets belong to its tenant.
 */
export const keyChangeSchema = z
  .object({
    name: text(0, 200).nullable().optional(),
    tier: text(1, 100).nullable().optional(),
    allowed_routes: z.array(id).nullable().optional(),
    allowed_models: z.array(id).nullable().optional(),
    tags: z.array(text(1, 100)).max(50).nullable().optional(),
    rpm: perMinute.nullable().optional(),
    tpm: perMinute.nullable().optional(),
    expires_at: z.string().datetime({ offset: true }).nullable().optional(),
  })
  .strict()
  .superRefine(someField(KEY_FIELDS));

/** `POST /v1/admin/tenants/{id}`: a new name (it cannot be cleared: the column is the tenant's label), `null` rpm/tpm for no limit. */
export const tenantChangeSchema = z
  .object({ name: text(1, 200).optional(), rpm: perMinute.nullable().optional(), tpm: perMinute.nullable().optional() })
  .strict()
  .superRefine(someField(['name', 'rpm', 'tpm']));

/** Validates an admin request body; every problem in one OpenAI-format 400. */
export function parseBody<T>(schema: ZodType<T, z.ZodTypeDef, unknown>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const message = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
  throw GatewayError.invalidRequest(`Invalid request body: ${message}`, issueParam(first), 'invalid_value');
}

/** The parameter an issue is about: its path, or for an unknown field (whose path is the body's) that field. */
function issueParam(issue: z.ZodIssue | undefined): string | null {
  if (!issue) return null;
  if (issue.code === 'unrecognized_keys') return [...issue.path, issue.keys[0]].join('.');
  return issue.path.join('.') || null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A UTC day as YYYY-MM-DD that exists (no 2026-02-30) and Postgres takes as a `date` (year 1 on). */
export function isCalendarDay(day: string): boolean {
  if (!DAY.test(day) || day < '0001') return false;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(day);
}

/**
 * A query parameter given at most once: Fastify hands a repeated one (`?a=1&a=2`) over as an array,
 * which would otherwise reach the database as a filter value.
 */
export function singleQueryValue(value: string | string[] | undefined, name: string): string | undefined {
  if (Array.isArray(value)) throw GatewayError.invalidRequest(`Give '${name}' once.`, name, 'invalid_value');
  return value;
}
