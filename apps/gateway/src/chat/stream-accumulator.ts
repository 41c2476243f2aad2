import type { ChatChunk, Usage } from '../../../../libs/core/src';
import type { ScoredToolCall } from '../../../../libs/scoring/src';

/**
 * One streamed tool-call delta. The SDK types only function deltas; OpenAI streams a custom tool's
 * call as `{ index, id, type: 'custom', custom: { name, input } }`, the input in pieces.
 */
type FunctionCallDelta = NonNullable<ChatChunk['choices'][number]['delta']['tool_calls']>[number];
type ToolCallDelta = Omit<FunctionCallDelta, 'type'> & { type?: 'function' | 'custom'; custom?: { name?: string; input?: string } };

/** Builds up, chunk by chunk, what the scorer and the record need from a streamed answer. */
export class StreamAccumulator {
  content = '';
  refusal = '';
  finishReason: string | null = null;
  usage: Usage | undefined;
  private readonly toolCalls = new Map<number, ScoredToolCall>();

  add(chunk: ChatChunk): void {
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of chunk.choices ?? []) {
      if (choice.index !== 0) continue;
      const delta = choice.delta ?? {};
      if (delta.content) this.content += delta.content;
      if (delta.refusal) this.refusal += delta.refusal;
      for (const call of (delta.tool_calls ?? []) as ToolCallDelta[]) {
        let entry = this.toolCalls.get(call.index);
        if (!entry) {
          entry = call.type === 'custom' || (call.type === undefined && call.function === undefined && call.custom !== undefined) ? { type: 'custom', name: '', input: '' } : { name: '', arguments: '' };
          this.toolCalls.set(call.index, entry);
        }
        if (entry.type === 'custom') {
          if (call.custom?.name) entry.name += call.custom.name;
          if (call.custom?.input) entry.input += call.custom.input;
        } else {
          if (call.function?.name) entry.name += call.function.name;
          if (call.function?.arguments) entry.arguments += call.function.arguments;
        }
      }
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
  }

  calls(): ScoredToolCall[] {
    return [...this.toolCalls.entries()].sort(([a], [b]) => a - b).map(([, c]) => c);
  }
}
