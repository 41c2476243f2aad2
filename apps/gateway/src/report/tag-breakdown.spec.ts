import type { TagUsageRow } from '../../../../libs/storage/src';
import { tagBreakdown } from './tag-breakdown';

const row = (tag: string, model: string, requests: number, cost: number, scored: number, reward: number | null, route = 'auto'): TagUsageRow => ({
  route,
  tag,
  model_id: model,
  requests,
  errors: 0,
  cost_usd: cost,
  scored,
  mean_reward: reward,
});

describe('tagBreakdown', () => {
  it("sums each tag over its models, weighs the reward by what was scored, and names each model's share", () => {
    const rows = [row('legal', 'strong', 30, 0.3, 20, 0.9), row('legal', 'cheap', 10, 0.01, 10, 0.3), row('faq', 'cheap', 50, 0.05, 0, null), row('legal', 'strong', 99, 9, 9, 0, 'other')];
    const [faq, legal] = tagBreakdown(rows, 'auto');
    expect(faq).toMatchObject({ tag: 'faq', requests: 50, total_cost_usd: 0.05, scored: 0, mean_reward: null, models: [{ model: 'cheap', share: 1 }] });
    expect(faq.mean_cost_usd).toBeCloseTo(0.001, 12);
    expect(legal.requests).toBe(40);
    expect(legal.total_cost_usd).toBeCloseTo(0.31, 12);
    expect(legal.mean_reward).toBeCloseTo((20 * 0.9 + 10 * 0.3) / 30, 12);
    expect(legal.models.map((m) => [m.model, m.share])).toEqual([
      ['strong', 0.75],
      ['cheap', 0.25],
    ]);
  });

  it('is empty for a route without tagged requests', () => {
    expect(tagBreakdown([row('x', 'm', 1, 0, 0, null, 'other')], 'auto')).toEqual([]);
  });
});
