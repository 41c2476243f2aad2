import type { DashboardReportService } from '../../apps/gateway/src/report/dashboard-report.service';
import type { ReportService } from '../../apps/gateway/src/report/report.service';
import { fixed, formatTable, percent, usd } from './format-table';

export type SummaryReport = Awaited<ReturnType<ReportService['build']>>;
export type SeriesReport = Awaited<ReturnType<DashboardReportService['series']>>;
export type RecentReport = Awaited<ReturnType<DashboardReportService['recent']>>;

const shortTime = (iso: string) => iso.slice(11, 19);

/** The report as terminal text: per route, what the router believes, how traffic and cost moved, and the latest requests. */
export function renderReport(summary: SummaryReport, series: SeriesReport, recent: RecentReport | null): string {
  const out: string[] = [];
  for (const route of summary.routes) {
    const s = series.data.find((x) => x.route === route.route);
    out.push(`== route ${route.route} (quality floor ${route.quality_floor}${route.budget_usd_per_day ? `, budget ${usd(route.budget_usd_per_day)}/day` : ''}) ==`);
    out.push(`now: ${route.decision.favoured_model ?? 'none'} - ${route.decision.why}`);
    out.push(`recorded: ${route.requests} requests, ${route.errors} failed, ${usd(route.total_cost_usd)} spent`);
    out.push('');
    out.push(
      formatTable(
        ['model', 'requests', 'errors', `share(last ${summary.window})`, 'mean reward', '95% interval', 'belief', 'evidence', 'cost/request', 'latency ms', 'TTFT ms'],
        route.models.map((m) => [
          m.model,
          m.requests,
          m.errors,
          percent(m.traffic_share),
          fixed(m.mean_reward, 3),
          m.reward_interval ? `${m.reward_interval[0].toFixed(2)}-${m.reward_interval[1].toFixed(2)}` : null,
          fixed(m.belief.mean_quality, 3),
          fixed(m.belief.evidence, 1),
          usd(m.mean_cost_usd),
          fixed(m.mean_latency_ms, 0),
          fixed(m.mean_ttft_ms, 0),
        ]),
      ),
    );
    if (s && s.buckets.length > 0) {
      out.push('');
      out.push(`over time (${s.buckets.length} buckets of the last ${s.totals.requests} requests; baseline: always ${s.baseline_model ?? '-'})`);
      out.push(
        formatTable(
          ['#', 'until', 'requests', ...s.models.map((m) => `${m} share`), 'reward', 'cost/request', 'cost/success', 'saved', 'explore', 'below floor'],
          s.buckets.map((b) => [
            b.index + 1,
            shortTime(b.end),
            b.requests,
            ...s.models.map((m) => percent(b.models[m]?.share ?? 0, 0)),
            fixed(b.mean_reward, 2),
            usd(b.cost_per_request_usd),
            usd(b.cost_per_success_usd),
            b.baseline_cost_usd > 0 ? percent(b.savings_usd / b.baseline_cost_usd, 0) : null,
            percent(b.exploration_share, 0),
            b.below_floor,
          ]),
        ),
      );
      const t = s.totals;
      out.push(
        `total: ${usd(t.cost_usd)} spent${t.judge_cost_usd > 0 ? ` + ${usd(t.judge_cost_usd)} judging` : ''} vs ${usd(t.baseline_cost_usd)} always-strongest (saved ${percent(t.savings_share)}); ` +
          `${usd(t.cost_per_success_usd)} per successful request; exploration ${percent(t.exploration_share)}; ${t.below_floor} scored below the floor`,
      );
    }
    out.push('');
  }
  if (recent && recent.data.length > 0) {
    out.push('== recent requests ==');
    out.push(
      formatTable(
        ['time', 'id', 'route', 'path', 'reason', 'status', 'latency ms', 'TTFT ms', 'cost', 'reward'],
        recent.data.map((r) => [shortTime(r.created_at), r.id, r.route, r.path || '-', r.decision_reason, `${r.status} ${r.http_status}`, fixed(r.latency_ms, 0), fixed(r.ttft_ms, 0), usd(r.cost_usd), fixed(r.reward, 2)]),
      ),
    );
  }
  return out.join('\n');
}
