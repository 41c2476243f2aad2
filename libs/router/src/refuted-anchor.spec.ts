import { nextRefutedMarker, REFUTED_MARKER_SCORES } from './refuted-anchor';
import { arm } from './spec-fixtures';

describe('nextRefutedMarker', () => {
  const policy = { qualityFloor: 0.6, floorConfidence: 0.9, priorSuccesses: 1, priorFailures: 1 };
  const provenBefore = arm('mid', 800, 200);
  const alarmOnMid = { modelId: 'mid', armBefore: provenBefore, policy };

  it('marks a model proven in the context before its alarm, for the given number of scores', () => {
    expect(nextRefutedMarker(undefined, alarmOnMid)).toEqual({ modelId: 'mid', left: REFUTED_MARKER_SCORES });
    expect(nextRefutedMarker(undefined, { ...alarmOnMid, lasts: 3 })).toEqual({ modelId: 'mid', left: 3 });
  });

  it('ignores an alarm on a model the context had not proven, and any alarm without safe exploration', () => {
    const alarmOnCheap = { modelId: 'cheap', armBefore: arm('cheap', 12, 8), policy };
    expect(nextRefutedMarker(undefined, alarmOnCheap)).toBeUndefined();
    expect(nextRefutedMarker(undefined, { ...alarmOnMid, policy: { ...policy, floorConfidence: undefined } })).toBeUndefined();
    // An older marker is not replaced by an alarm that does not count; it counts down instead.
    expect(nextRefutedMarker({ modelId: 'mid', left: 5 }, alarmOnCheap)).toEqual({ modelId: 'mid', left: 4 });
  });

  it('counts down by one per score of the context and ends after the last', () => {
    let marker = nextRefutedMarker(undefined, { ...alarmOnMid, lasts: 3 });
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      marker = nextRefutedMarker(marker);
      seen.push(marker?.left ?? 0);
    }
    expect(seen).toEqual([2, 1, 0, 0, 0]);
  });

  it('is off with a life of 0', () => {
    expect(nextRefutedMarker(undefined, { ...alarmOnMid, lasts: 0 })).toBeUndefined();
  });
});
