import type { AppConfig, RouteSpec } from '../../../../libs/config/src';
import type { NewRequestRow } from '../../../../libs/storage/src';
import type { SpendRepository } from '../../../../libs/storage/src';
import { RequestEvents } from '../events/request-events';
import { observeTtft, RouteSignals, tierOf } from './route-signals';
import { routeSignalsFor } from './route-signals-registry';
import { ScoreDelayGates } from './score-delay-gates';
import { SpendTracker } from './spend-tracker';
import { TtftEstimates } from './ttft-estimates';

const clock = { now: () => Date.UTC(2026, 10, 21, 12) };
const row = (extra: Partial<NewRequestRow>): NewRequestRow =>
  ({ id: 'r1', route: 'chat', context_key: 'general|short', streamed: true, status: 'success', ttft_ms: null, cost_usd: 0, attempts: '[]', ...extra }) as NewRequestRow;
const attempts = (list: object[]) => JSON.stringify(list);

describe('observeTtft', () => {
  it("takes a stream's time to first token, less the attempts before the model that answered", () => {
    const ttft = new TtftEstimates(clock);
    observeTtft(ttft, row({
      ttft_ms: 1700,
      attempts: attempts([
        { modelId: 'a', providerId: 'p', status: 'error', errorKind: 'server_error', latencyMs: 500, costUsd: 0, startedAtMs: 0 },
        { modelId: 'b', providerId: 'p', status: 'success', latencyMs: 1200, costUsd: 0, startedAtMs: 500 },
      ]),
    }));
    expect(ttft.estimate('b')).toBeGreaterThanOrEqual(1200);
    expect(ttft.estimate('b')).toBeLessThan(1500);
    expect(ttft.estimate('a')).toBeUndefined();
  });

  it('counts a stream attempt that timed out before any content as slow', () => {
    const ttft = new TtftEstimates(clock);
    observeTtft(ttft, row({ attempts: attempts([{ modelId: 'a', providerId: 'p', status: 'error', errorKind: 'timeout', latencyMs: 3000, costUsd: 0, startedAtMs: 0 }]) }));
    expect(ttft.estimate('a')).toBeGreaterThanOrEqual(3000);
  });
});

describe('tierOf', () => {
  it('reads the tier at the end of a context key', () => {
    expect(tierOf('code|short|tools|tier=pro')).toBe('pro');
    expect(tierOf('code|short')).toBeUndefined();
    expect(tierOf(undefined)).toBeUndefined();
  });
});

describe('RouteSignals', () => {
  const route: RouteSpec = {
    name: 'chat', candidates: ['a'], qualityFloor: 0.8, discount: 0.99, validators: [], implicit: false,
    tiers: new Map([['free', { name: 'free', qualityFloor: 0.5, budgetUsdPerDay: 5 }]]),
  };
  const setup = () => {
    const config = { models: new Map(), routes: new Map([['chat', route]]) } as unknown as AppConfig;
    const spend = new SpendTracker({} as SpendRepository, clock);
    const events = new RequestEvents();
    const signals = new RouteSignals(config, clock, spend, events, new ScoreDelayGates([], () => Promise.reject(new Error('not read'))));
    signals.onModuleInit();
    return { config, spend, events, signals };
  };

  it("adds a finished request's cost to its configured tier, apart from other tiers", () => {
    const { spend, events } = setup();
    events.finished(row({ context_key: 'general|short|tier=free', cost_usd: 0.25 }));
    events.finished(row({ context_key: 'general|short|tier=free', cost_usd: 0.5, status: 'error', streamed: false }));
    events.finished(row({ context_key: 'general|short|tier=gold', cost_usd: 7 }));
    events.finished(row({ context_key: 'general|short', cost_usd: 9 }));
    expect(spend.spentTodayByTier('chat', 'free')).toBeCloseTo(0.75, 12);
    // Not a configured tier: not tracked (a client cannot grow the map with made-up tiers).
    expect(spend.spentTodayByTier('chat', 'gold')).toBe(0);
  });

  it("learns the route's answer size from served requests, before any is scored", () => {
    const { signals, events } = setup();
    expect(signals.servedCompletionTokens('chat')).toBeUndefined();
    events.finished(row({ completion_tokens: 3 }));
    events.finished(row({ completion_tokens: 5, streamed: false }));
    events.finished(row({ completion_tokens: 900, status: 'error' })); // failed: not an answer
    expect(signals.servedCompletionTokens('chat')).toBeGreaterThan(3.9);
    expect(signals.servedCompletionTokens('chat')).toBeLessThan(4.1);
    expect(signals.servedCompletionTokens('other')).toBeUndefined();
  });

  it('feeds time to first token from streamed requests only, and is what planRoute finds for the config', () => {
    const { config, events, signals } = setup();
    const first = attempts([{ modelId: 'a', providerId: 'p', status: 'success', latencyMs: 800, costUsd: 0, startedAtMs: 0 }]);
    events.finished(row({ streamed: false, latency_ms: 5000, attempts: first }));
    expect(signals.expectedTtftMs('a')).toBeUndefined();
    events.finished(row({ streamed: true, ttft_ms: 800, attempts: first }));
    expect(signals.expectedTtftMs('a')).toBeGreaterThanOrEqual(800);
    expect(routeSignalsFor(config.models)).toBe(signals);
  });
});

describe('SpendTracker tiers', () => {
  it('starts each UTC day from zero', () => {
    const at = { t: Date.UTC(2026, 10, 21, 23, 59) };
    const spend = new SpendTracker({} as SpendRepository, { now: () => at.t });
    spend.addTier('chat', 'free', 2);
    expect(spend.spentTodayByTier('chat', 'free')).toBe(2);
    expect(spend.dayElapsedFraction()).toBeCloseTo(1439 / 1440, 9);
    at.t = Date.UTC(2026, 10, 22, 0, 1);
    expect(spend.spentTodayByTier('chat', 'free')).toBe(0);
    spend.addTier('chat', 'free', 1);
    expect(spend.spentTodayByTier('chat', 'free')).toBe(1);
  });
});
