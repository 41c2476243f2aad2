import { GATEWAY_KEY } from './stack';

export type TargetName = 'upstream' | 'pass-through' | 'gateway';
export type UpstreamKind = 'instant' | 'slow' | 'hold';

/** One place requests can go: the upstream itself, the bare pass-through, or the gateway. */
export interface Target {
  name: TargetName;
  origin: string;
  path(kind: UpstreamKind): string;
}

export function targetsFor(urls: { upstream: string; passThrough: string; gateway: string }): Target[] {
  const direct = (kind: UpstreamKind) => `/${kind}/v1/chat/completions`;
  return [
    { name: 'upstream', origin: urls.upstream, path: direct },
    { name: 'pass-through', origin: urls.passThrough, path: direct },
    // The gateway resolves the route named in `model` (one per upstream behaviour) and picks a model.
    { name: 'gateway', origin: urls.gateway, path: () => '/v1/chat/completions' },
  ];
}

export const REQUEST_HEADERS: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}` };

/** Every request the bench sends from now on carries this gateway key (the product's rate-limited key). */
export function useGatewayKey(key: string): void {
  REQUEST_HEADERS.authorization = `Bearer ${key}`;
}

/** A small, typical chat request; `model` names the gateway route, the others ignore it. */
export function chatBody(kind: UpstreamKind, stream: boolean): string {
  return JSON.stringify({
    model: kind,
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Write one short sentence about the sea.' },
    ],
    stream,
  });
}
