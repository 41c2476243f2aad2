import type { ProviderError } from '../../../../libs/providers/src';

/**
 * An upstream error after which no other deployment is tried. Chat tries another model after a
 * context-length 400 (a larger window may take the prompt); an embedding request's other deployments
 * serve the same catalog model, with the same input limit, so an over-long input is the client's to
 * fix and goes back at once, as the client errors no model would take (`fallbackable`) do.
 */
export function endsEmbeddingRequest(err: ProviderError): boolean {
  return !err.fallbackable || err.kind === 'context_length';
}
