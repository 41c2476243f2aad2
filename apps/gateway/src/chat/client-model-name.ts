import { GatewayError } from '../../../../libs/core/src';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `message` with the provider's name for the model (`upstream`, bare or as Gemini's `models/{upstream}`)
 * replaced by the model the client knows (`clientModel`: its id in the config, an alias or a catalog
 * id). Adapters and upstreams name the model they were sent; a client that asked for an alias must not
 * learn the deployment's name from an error. Whole names only: `text-embedding-3-small` is not
 * replaced inside `text-embedding-3-small-eu` or `...-small.v2`, but it is before a sentence's full stop.
 */
export function inClientTerms(message: string, upstream: string, clientModel: string): string {
  if (upstream === clientModel || upstream === '' || !message.includes(upstream)) return message;
  const name = new RegExp(`(?<![\\w.-])(?:models/)?${escape(upstream)}(?![\\w-]|\\.\\w)`, 'g');
  return message.replace(name, clientModel);
}

/** The same gateway error (an adapter's refusal), its message in the client's terms (inClientTerms). */
export function gatewayErrorInClientTerms(err: GatewayError, upstream: string, clientModel: string): GatewayError {
  const message = inClientTerms(err.message, upstream, clientModel);
  return message === err.message ? err : new GatewayError(err.status, message, err.type, err.code, err.param, err.retryAfterSeconds);
}
