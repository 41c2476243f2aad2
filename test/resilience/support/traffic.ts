/** One chat completion over real HTTP, streamed or not; resolves with what the client saw. */
export interface Outcome {
  status: number;
  /** For streams: the stream ended with `data: [DONE]`. For plain answers: the body had choices. */
  complete: boolean;
  /** The body was an OpenAI-format error object. */
  cleanError: boolean;
  requestId: string | null;
}

export async function chat(baseUrl: string, key: string, i: number, stream: boolean): Promise<Outcome> {
  const res = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: 'auto', stream, messages: [{ role: 'user', content: `question ${i}` }] }),
  });
  const text = await res.text();
  const requestId = res.headers.get('x-request-id');
  if (res.status !== 200) {
    let cleanError = false;
    try {
      cleanError = typeof (JSON.parse(text) as { error?: { message?: unknown } }).error?.message === 'string';
    } catch {
      /* not JSON */
    }
    return { status: res.status, complete: false, cleanError, requestId };
  }
  if (stream) return { status: 200, complete: text.trimEnd().endsWith('data: [DONE]'), cleanError: false, requestId };
  return { status: 200, complete: Array.isArray((JSON.parse(text) as { choices?: unknown }).choices), cleanError: false, requestId };
}

/** `n` requests, `concurrency` at a time, every other one streamed. */
export async function burst(baseUrl: string, key: string, from: number, n: number, concurrency = 5): Promise<Outcome[]> {
  const out: Outcome[] = [];
  let next = from;
  const lane = async () => {
    while (next < from + n) {
      const i = next++;
      out.push(await chat(baseUrl, key, i, i % 2 === 1));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return out;
}
