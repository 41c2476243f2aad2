import type { EmbeddingModelSpec } from '../../../../libs/config/src';
import type { EmbeddingsRequest } from '../../../../libs/core/src';
import type { EmbeddingCall } from '../../../../libs/providers/src';
import type { AttemptKind } from '../chat/attempt-runner';
import { providerTimeouts } from '../../../../libs/model-call/src';
import { endsEmbeddingRequest } from './embedding-failover';

/**
 * An embeddings request's tries (AttemptRunner): the client's request under each model's upstream name.
 * A request an adapter refuses (token ids to Gemini) ends at once with that 400, as embeddings always
 * have (a chat request moves on to the next model instead); so does an input over the model's limit
 * (every deployment serves the same model: embedding-failover.ts); context-length errors name `input`.
 */
export const EMBEDDING_ATTEMPTS: AttemptKind<EmbeddingsRequest, EmbeddingModelSpec, EmbeddingCall> = {
  providerCall: (request, model, abort, timeouts) => ({
    request: { ...request, model: model.upstream },
    signal: abort.signal,
    abort,
    timeouts: providerTimeouts(timeouts),
  }),
  promptParam: 'input',
  exhaustedLead: 'Every attempt failed',
  refusalEnds: true,
  endsRun: endsEmbeddingRequest,
};
