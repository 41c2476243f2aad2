import type { RouteSpec } from '../../../../libs/config/src';
import { SCORE_DELAY_WINDOW_REQUESTS } from '../../../../libs/router/src';
import type { ScoreDelayCounts } from '../../../../libs/storage/src';
import { gatedRoutes, ScoreDelayGates } from './score-delay-gates';

const counts = (c: Partial<ScoreDelayCounts>): ScoreDelayCounts => ({ recent: 0, served: 0, awaitingScores: 0, anyScored: false, ...c });

describe('ScoreDelayGates', () => {
  it('reads a route as late until it has a reading, then by its estimated delay (awaiting x window / served)', async () => {
    const state = new Map<string, ScoreDelayCounts>([
      ['prompt', counts({ recent: 2000, served: 1000, awaitingScores: 3, anyScored: true })],
      // 600 awaited of 1,000 served in 2,000 requests: 1,200 requests late.
      ['late', counts({ recent: 2000, served: 1000, awaitingScores: 600, anyScored: true })],
      ['cold', counts({ recent: 40, served: 40, awaitingScores: 0, anyScored: false })],
    ]);
    const asked: Array<[string, number]> = [];
    const gates = new ScoreDelayGates(['prompt', 'late', 'cold'], async (route, window) => {
      asked.push([route, window]);
      return state.get(route)!;
    });
    expect(gates.scoresArrivePromptly('prompt')).toBe(false);
    await gates.refresh();
    expect(asked).toEqual([['prompt', SCORE_DELAY_WINDOW_REQUESTS], ['late', SCORE_DELAY_WINDOW_REQUESTS], ['cold', SCORE_DELAY_WINDOW_REQUESTS]]);
    expect(gates.reading('prompt')).toEqual({ delayRequests: 6, prompt: true });
    expect(gates.reading('late')).toEqual({ delayRequests: 1200, prompt: false });
    expect(gates.reading('cold')).toEqual({ delayRequests: Infinity, prompt: false });
    expect(gates.scoresArrivePromptly('prompt')).toBe(true);
    expect(gates.scoresArrivePromptly('late')).toBe(false);
    expect(gates.scoresArrivePromptly('unknown')).toBe(false);
    // Scores catch up: the gate opens at the next refresh.
    state.set('late', counts({ recent: 2000, served: 1000, awaitingScores: 10, anyScored: true }));
    await gates.refresh();
    expect(gates.scoresArrivePromptly('late')).toBe(true);
  });

  it('re-reads only the closed gates when asked to (a score may open one), leaving open ones as read', async () => {
    const state = new Map<string, ScoreDelayCounts>([
      ['open', counts({ recent: 100, served: 100, awaitingScores: 0, anyScored: true })],
      ['cold', counts({ recent: 5, served: 5, awaitingScores: 5, anyScored: false })],
    ]);
    const asked: string[] = [];
    const gates = new ScoreDelayGates(['open', 'cold'], async (route) => {
      asked.push(route);
      return state.get(route)!;
    });
    await gates.refresh();
    expect(gates.scoresArrivePromptly('open')).toBe(true);
    expect(gates.scoresArrivePromptly('cold')).toBe(false);
    // The cold route's first score lands; the open route's scores start lagging (only the poll sees that).
    state.set('cold', counts({ recent: 6, served: 6, awaitingScores: 1, anyScored: true }));
    state.set('open', counts({ recent: 2000, served: 1000, awaitingScores: 900, anyScored: true }));
    asked.length = 0;
    await gates.refreshClosed();
    expect(asked).toEqual(['cold']);
    expect(gates.scoresArrivePromptly('cold')).toBe(true);
    expect(gates.scoresArrivePromptly('open')).toBe(true);
    await gates.refresh();
    expect(gates.scoresArrivePromptly('open')).toBe(false);
  });

  it('keeps the last reading when a refresh fails', async () => {
    let fail = false;
    const gates = new ScoreDelayGates(['r'], async () => {
      if (fail) throw new Error('database down');
      return counts({ recent: 10, served: 10, awaitingScores: 1, anyScored: true });
    });
    await gates.refresh();
    fail = true;
    await expect(gates.refresh()).rejects.toThrow('database down');
    expect(gates.scoresArrivePromptly('r')).toBe(true);
  });

  it('gates only the routes with floor_confidence: auto that have a choice to make', () => {
    const route = (name: string, extra: Partial<RouteSpec>): RouteSpec => ({ name, candidates: ['a', 'b'], qualityFloor: 0.8, discount: 0.99, validators: [], implicit: false, ...extra });
    const routes = [
      route('gated', { gatedSafeExploration: true }),
      route('configured', { floorConfidence: 0.9 }),
      route('off', {}),
      route('single', { gatedSafeExploration: true, candidates: ['a'] }),
    ];
    expect(gatedRoutes(routes)).toEqual(['gated']);
  });
});
