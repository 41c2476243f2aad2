import type { QueuedJob } from '../../libs/queue/src';

/**
 * A score job for route `judged` whose answer the judge model `strong` grades (weight 1), paid for by
 * the default tenant: the job the gateway enqueues for a judged request, without the gateway.
 */
export function judgedScoreJob(requestId: string): QueuedJob {
  return {
    name: 'score-response',
    data: {
      requestId,
      route: 'judged',
      contextKey: '',
      modelId: 'cheap',
      costUsd: 0.0001,
      completionTokens: 5,
      discount: 1,
      validators: [],
      judge: { modelId: 'strong', weight: 1, maxTokens: 64, conversation: [{ role: 'user', text: 'Hi' }], answer: 'Hello.', truncated: false, billing: { tenantId: 'default', keyId: null } },
      request: {},
      response: { content: 'Hello.', toolCalls: [], finishReason: 'stop' },
    },
  };
}
