import type { ChatChunk, Usage } from '../../../../libs/core/src';

/** Builds up, chunk by chunk, what the scorer and the record need from a streamed answer. */
export class StreamAccumulator {
  content = '';
  refusal = '';
  finishReason: string | null = null;
  usage: Usage | undefined;
  private readonly toolCalls = new Map<number, { name: string; arguments: string }>();

  add(chunk: ChatChunk): void {
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of chunk.choices ?? []) {
      if (choice.index !== 0) continue;
      const delta = choice.delta ?? {};
      if (delta.content) this.content += delta.content;
      if (delta.refusal) this.refusal += delta.refusal;
      for (const call of delta.tool_calls ?? []) {
        const entry = this.toolCalls.get(call.index) ?? { name: '', arguments: '' };
        if (call.function?.name) entry.name += call.function.name;
        if (call.function?.arguments) entry.arguments += call.function.arguments;
        this.toolCalls.set(call.index, entry);
      }
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
  }

  calls(): Array<{ name: string; arguments: string }> {
    return [...this.toolCalls.entries()].sort(([a], [b]) => a - b).map(([, c]) => c);
  }
}
