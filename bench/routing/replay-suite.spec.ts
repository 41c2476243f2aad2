import { REFUTED_MARKER_SCORES } from '../../libs/router/src';
import { replayRouteOptionsFromEnv } from './replay-suite';

describe('replayRouteOptionsFromEnv', () => {
  it('adds nothing when unset, so the rows replay as before', () => {
    expect(replayRouteOptionsFromEnv({})).toEqual({ safe: {}, refutedFor: 0 });
  });

  it('reads safe exploration, the cheaper share and the detector (with the refuted marker under safe exploration)', () => {
    expect(replayRouteOptionsFromEnv({ REPLAY_SAFE_CONFIDENCE: '0.8', REPLAY_EXPLORE_CHEAPER_SHARE: '0.3', REPLAY_DRIFT: '1' })).toEqual({
      safe: { floorConfidence: 0.8, exploreCheaperShare: 0.3 },
      drift: {},
      refutedFor: REFUTED_MARKER_SCORES,
    });
  });

  it('runs the detector without the marker when there is no safe exploration, as the gateway does', () => {
    expect(replayRouteOptionsFromEnv({ REPLAY_DRIFT: '1' })).toEqual({ safe: {}, drift: {}, refutedFor: 0 });
  });

  it('refuses a share without a confidence, and a confidence out of range, as the route config does', () => {
    expect(() => replayRouteOptionsFromEnv({ REPLAY_EXPLORE_CHEAPER_SHARE: '0.3' })).toThrow(/needs REPLAY_SAFE_CONFIDENCE/);
    expect(() => replayRouteOptionsFromEnv({ REPLAY_SAFE_CONFIDENCE: '1.2' })).toThrow(/REPLAY_SAFE_CONFIDENCE/);
  });
});
