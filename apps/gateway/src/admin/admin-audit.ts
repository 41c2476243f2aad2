/**
 * The audit line of an admin change: which action on which object, and which fields the body set —
 * never their values (a key's settings are not secret, but a body may carry anything, and the key
 * itself is in a create's response, which is never logged).
 */
export interface AdminAuditEntry {
  /** `<object>.<handler>`: keys.create, keys.update, keys.revoke, tenants.update, budgets.remove, routes.forget, ... */
  action: string;
  method: string;
  /** The path's parameters (an id, a route and model): names of objects, no secrets. */
  target: Record<string, string>;
  /** The body's top-level field names, sorted; empty without a JSON object body. */
  fields: string[];
}

/** `AdminKeysController` -> `keys`. */
export function adminObjectOf(controllerName: string): string {
  return controllerName.replace(/^Admin/, '').replace(/Controller$/, '').toLowerCase();
}

export function adminAuditEntry(controllerName: string, handlerName: string, method: string, params: unknown, body: unknown): AdminAuditEntry {
  const target: Record<string, string> = {};
  if (params && typeof params === 'object') for (const [k, v] of Object.entries(params)) if (typeof v === 'string') target[k] = v;
  const fields = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body).sort() : [];
  return { action: `${adminObjectOf(controllerName)}.${handlerName}`, method, target, fields };
}

/** The id of what a change created or changed, when its answer names one (`{ id, ... }`). */
export function resultIdOf(result: unknown): string | undefined {
  if (!result || typeof result !== 'object') return undefined;
  const id = (result as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}
