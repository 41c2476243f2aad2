import type { AppConfig } from './app-config';

/** How far ahead a provider's shutdown date is worth a warning at start-up. */
export const SHUTDOWN_WARNING_DAYS = 30;

/**
 * One line per configured model whose provider turns it off on or before `today` plus
 * SHUTDOWN_WARNING_DAYS (the catalog's `shutdown`, docs/providers.md), for the start-up log.
 * `today` is an ISO date (YYYY-MM-DD) so the caller owns the clock.
 */
export function shutdownWarnings(config: Pick<AppConfig, 'models' | 'routes'>, today: string): string[] {
  const horizon = addDays(today, SHUTDOWN_WARNING_DAYS);
  const warnings: string[] = [];
  for (const model of config.models.values()) {
    const date = model.shutdownDate;
    if (!date || date > horizon) continue;
    const routes = [...config.routes.values()].filter((r) => r.candidates.includes(model.id)).map((r) => r.name);
    const passed = date <= today ? ', passed' : '';
    const where = routes.length > 0 ? ` (candidate of route ${routes.map((r) => `"${r}"`).join(', ')})` : '';
    warnings.push(`model "${model.id}"${where}: its provider lists ${date} as the shutdown date of ${model.upstream}${passed}; requests to it fail from then on. Pick a current catalog model (docs/providers.md).`);
  }
  return warnings;
}

function addDays(isoDate: string, days: number): string {
  const t = Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}
