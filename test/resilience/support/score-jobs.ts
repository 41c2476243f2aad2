import type { QueuedJob } from '../../../libs/queue/src';

/** A scoring job for request `<prefix>-<i>` on route `auto`: even i on `cheap`, odd on `strong`; every third answer fails its validator. */
export function scoreJob(i: number, prefix = 'chatcmpl-kill'): QueuedJob {
  return {
    name: 'score-response',
    data: {
      requestId: `${prefix}-${i}`,
      route: 'auto',
      contextKey: '',
      modelId: i % 2 === 0 ? 'cheap' : 'strong',
      costUsd: 0.0001,
      completionTokens: 10,
      discount: 1,
      validators: [{ type: 'contains', text: 'ANSWER', case_sensitive: false, expect: 'present' }],
      request: {},
      response: { content: i % 3 === 0 ? 'no idea' : 'ANSWER: 42', refusal: null, toolCalls: [], finishReason: 'stop' },
    },
  };
}
