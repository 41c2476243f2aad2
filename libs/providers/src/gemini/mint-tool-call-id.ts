import { createHash } from 'node:crypto';

/**
 * Gemini returns function calls without ids; OpenAI clients need one to answer with a `tool` message.
 * The id is a hash of where the call sits in the response and what it says, so the same upstream
 * response always yields the same ids, streamed or not, and replays are identical.
 */
export function mintToolCallId(parts: { responseId: string; candidateIndex: number; toolIndex: number; name: string; args: string }): string {
  const key = [parts.responseId, parts.candidateIndex, parts.toolIndex, parts.name, parts.args].join('\u0000');
  return `call_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}
