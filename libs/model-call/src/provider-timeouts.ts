import type { TimeoutSpec } from '../../config/src';
import type { ProviderTimeouts } from '../../providers/src';

/** The timeouts an adapter enforces itself (ProviderCall, EmbeddingCall); the time to first token is the gateway's (guardStream). */
export function providerTimeouts(timeouts: TimeoutSpec): ProviderTimeouts {
  return { connectMs: timeouts.connectMs, firstByteMs: timeouts.firstByteMs, idleMs: timeouts.idleMs, totalMs: timeouts.totalMs };
}
