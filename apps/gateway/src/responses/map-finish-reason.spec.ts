import { mapFinishReason } from './map-finish-reason';

describe('mapFinishReason', () => {
  it('says incomplete, and why, when the answer was cut by the token limit or a filter', () => {
    expect(mapFinishReason('length')).toEqual({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(mapFinishReason('content_filter')).toEqual({ status: 'incomplete', incomplete_details: { reason: 'content_filter' } });
  });

  it('says completed for an answer that ended by itself or in tool calls', () => {
    for (const reason of ['stop', 'tool_calls', null]) expect(mapFinishReason(reason)).toEqual({ status: 'completed', incomplete_details: null });
  });
});
