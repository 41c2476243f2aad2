import type { TagUsageRow } from '../../../../libs/storage/src';

export interface TagReport {
  tag: string;
  requests: number;
  errors: number;
  total_cost_usd: number;
  mean_cost_usd: number;
  scored: number;
  /** Mean reward of the tag's scored answers, over every model; null when none is scored. */
  mean_reward: number | null;
  /** Which models served the tag: their share of its requests and their mean reward there. */
  models: Array<{ model: string; requests: number; share: number; mean_reward: number | null }>;
}

/**
 * One route's traffic, cost and quality per caller tag (its key's and its `metadata.tags`), most
 * requested first: where a call site's money goes and which models serve it. Pure: the rows of
 * `ReportRepository.tagUsage` in, the report's `tags` out.
 */
export function tagBreakdown(rows: readonly TagUsageRow[], route: string): TagReport[] {
  const byTag = new Map<string, TagUsageRow[]>();
  for (const row of rows) {
    if (row.route !== route) continue;
    const list = byTag.get(row.tag);
    if (list) list.push(row);
    else byTag.set(row.tag, [row]);
  }
  const reports: TagReport[] = [];
  for (const [tag, list] of byTag) {
    let requests = 0;
    let errors = 0;
    let cost = 0;
    let scored = 0;
    let rewardSum = 0;
    for (const r of list) {
      requests += r.requests;
      errors += r.errors;
      cost += r.cost_usd;
      scored += r.scored;
      if (r.mean_reward !== null) rewardSum += r.mean_reward * r.scored;
    }
    const models = list
      .map((r) => ({ model: r.model_id, requests: r.requests, share: r.requests / requests, mean_reward: r.mean_reward }))
      .sort((a, b) => b.requests - a.requests || a.model.localeCompare(b.model));
    reports.push({ tag, requests, errors, total_cost_usd: cost, mean_cost_usd: cost / requests, scored, mean_reward: scored > 0 ? rewardSum / scored : null, models });
  }
  return reports.sort((a, b) => b.requests - a.requests || a.tag.localeCompare(b.tag));
}
