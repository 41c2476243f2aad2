import { keepUnconfirmedRefuted, nextRefutedMarker, REFUTED_MARKER_SCORES } from './refuted-anchor';
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

describe('keepUnconfirmedRefuted', () => {
  // Candidates by index: 0 cheap, 1 the refuted anchor, 2 dear, 3 dearest.
  const candidates = [{ expectedCostUsd: 0.0001 }, { expectedCostUsd: 0.0003 }, { expectedCostUsd: 0.003 }, { expectedCostUsd: 0.004 }];
  const threshold = 0.6;
  const unconfirmed = [0.5, 0.62, 0.9, 0.9];

  it('moves the refuted anchor in front of a dearer first choice while its mean clears the threshold', () => {
    expect(keepUnconfirmedRefuted([2, 0, 1, 3], candidates, 1, unconfirmed, threshold)).toEqual([1, 2, 0, 3]);
    expect(keepUnconfirmedRefuted([3, 2, 1], candidates, 1, unconfirmed, threshold)).toEqual([1, 3, 2]);
  });

  it('leaves the order alone once the alarm is borne out, before a cheaper or equal first choice, and without the model', () => {
    const confirmed = [0.5, 0.55, 0.9, 0.9];
    const order = [2, 0, 1, 3];
    expect(keepUnconfirmedRefuted(order, candidates, 1, confirmed, threshold)).toBe(order);
    expect(keepUnconfirmedRefuted([0, 2, 1], candidates, 1, unconfirmed, threshold)).toEqual([0, 2, 1]);
    expect(keepUnconfirmedRefuted([1, 2, 0], candidates, 1, unconfirmed, threshold)).toEqual([1, 2, 0]);
    const sameCost = [{ expectedCostUsd: 0.0003 }, { expectedCostUsd: 0.0003 }];
    expect(keepUnconfirmedRefuted([0, 1], sameCost, 1, [0.7, 0.62], threshold)).toEqual([0, 1]);
    // Not in the order (not eligible), or no marker.
    expect(keepUnconfirmedRefuted([2, 0, 3], candidates, 1, unconfirmed, threshold)).toEqual([2, 0, 3]);
    expect(keepUnconfirmedRefuted([2, 0, 1], candidates, -1, unconfirmed, threshold)).toEqual([2, 0, 1]);
  });

  it('does not modify the order it is given', () => {
    const order = [2, 0, 1, 3];
    keepUnconfirmedRefuted(order, candidates, 1, unconfirmed, threshold);
    expect(order).toEqual([2, 0, 1, 3]);
  });
});
