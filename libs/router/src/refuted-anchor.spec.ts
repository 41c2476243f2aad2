import { nextRefutedMarker, REFUTED_MARKER_SCORES } from './refuted-anchor';
import { arm } from './spec-fixtures';

describe('nextRefutedMarker', () => {
  const policy = { qualityFloor: 0.6, floorConfidence: 0.9, priorSuccesses: 1, priorFailures: 1 };
  const provenBefore = arm('mid', 800, 200);

  it('marks a model proven in the context before its alarm, for the given number of scores', () => {
    expect(nextRefutedMarker(undefined, 'mid', provenBefore, policy)).toEqual({ modelId: 'mid', left: REFUTED_MARKER_SCORES });
    expect(nextRefutedMarker(undefined, 'mid', provenBefore, policy, 3)).toEqual({ modelId: 'mid', left: 3 });
  });

  it('ignores an alarm on a model the context had not proven, and any alarm without safe exploration', () => {
    expect(nextRefutedMarker(undefined, 'cheap', arm('cheap', 12, 8), policy)).toBeUndefined();
    expect(nextRefutedMarker(undefined, 'mid', provenBefore, { ...policy, floorConfidence: undefined })).toBeUndefined();
    // An older marker is not replaced by an alarm that does not count; it counts down instead.
    expect(nextRefutedMarker({ modelId: 'mid', left: 5 }, 'cheap', arm('cheap', 12, 8), policy)).toEqual({ modelId: 'mid', left: 4 });
  });

  it('counts down by one per score of the context and ends after the last', () => {
    let marker = nextRefutedMarker(undefined, 'mid', provenBefore, policy, 3);
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      marker = nextRefutedMarker(marker, 'dear', undefined, policy, 3);
      seen.push(marker?.left ?? 0);
    }
    expect(seen).toEqual([2, 1, 0, 0, 0]);
  });

  it('is off with a life of 0', () => {
    expect(nextRefutedMarker(undefined, 'mid', provenBefore, policy, 0)).toBeUndefined();
  });
});
