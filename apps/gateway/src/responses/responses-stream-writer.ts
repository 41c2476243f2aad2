import { THOUGHT_BEFORE, type ChatChunk, type ChatReasoningFields, type ChatThinkingBlock, type GatewayError, type Usage } from '../../../../libs/core/src';
import type { RouterStreamReport, StreamOpening, StreamWriter } from '../chat/client-format';
import { buildResponse, itemId } from './build-response';
import { mapFinishReason } from './map-finish-reason';
import type { ResponsesBody } from './parse-responses-request';
import type { ResponsesCallItem, ResponsesMessageItem, ResponsesReasoningWireItem, ResponsesRefusalPart, ResponsesTextPart, ResponsesWireEvent, ResponsesWireItem } from './responses-wire';
import { summaryRequested, toReasoningItem } from './to-reasoning-item';
import { toResponsesUsage } from './to-responses-usage';

/** A message being written: its place in the output and which of its parts is which. */
interface OpenMessage {
  index: number;
  item: ResponsesMessageItem;
  text?: number;
  refusal?: number;
}

/** The reasoning item being written: its place, the summary part still growing (if one is), its blocks. */
interface OpenReasoning {
  index: number;
  item: ResponsesReasoningWireItem;
  openPart?: number;
  blocks?: ChatThinkingBlock[];
}

/** A thinking block's identity, to know one the writer has already placed (its signature, or a redacted block's data). */
function blockKey(block: ChatThinkingBlock): string {
  return block.type === 'thinking' ? `t:${block.signature}` : `r:${block.data}`;
}

/**
 * Chat chunks as the Responses API's stream (https://platform.openai.com/docs/api-reference/responses-streaming):
 * `response.created` and `response.in_progress` first; the text as a message item
 * (`output_item.added`, `content_part.added`, `output_text.delta`...); each tool call as a
 * `function_call` item (`output_item.added`, `function_call_arguments.delta`...); at the end every
 * open item is closed (`*.done`) and `response.completed` (or `response.incomplete`) carries the
 * whole response with its usage, and the gateway's `x_router` report beside it. Every event has a
 * `sequence_number`, counted from 0. A chat answer's text comes before its tool calls: the message
 * is closed when the first call starts; a call is closed at the end (calls may stream interleaved).
 *
 * Reasoning (`delta.reasoning_content`, before the text) is a `reasoning` item whose summary part
 * grows by `reasoning_summary_text.delta` when the request asked for a summary (else the item is
 * opened and its summary stays `[]`); the part is closed when the text or a call starts (reasoning
 * after that, not Claude's order, would be a new part). Claude's thinking blocks go in the item's
 * `encrypted_content` (to-reasoning-item.ts): the answer's first delta carries the blocks completed
 * before it (`THOUGHT_BEFORE`, marked by the Anthropic adapter), and the item is closed there, with
 * them, before the message or call item is added, as OpenAI orders its output (thinking that streamed
 * no readable text, all redacted, opens the item there too). The chat stream's `thinking_blocks`
 * before the finish repeat those blocks and add nothing; blocks not carried so (completed after the
 * answer began, or from an upstream that marks nothing) are written when they come, in a reasoning
 * item after the items already written. Reasoning with no blocks stays open until the end.
 */
export class ResponsesStreamWriter implements StreamWriter {
  private sequence = 0;
  private readonly output: ResponsesWireItem[] = [];
  private message: OpenMessage | undefined;
  private reasoning: OpenReasoning | undefined;
  /** Open function calls by their chat tool-call index. */
  private readonly calls = new Map<number, { index: number; item: ResponsesCallItem }>();
  private finishReason: string | null = null;
  /** Whether the request asked for the reasoning's summary (to-reasoning-item.ts). */
  private readonly summarize: boolean;
  /** The thinking blocks already in a reasoning item (blockKey), which a later `thinking_blocks` delta repeats. */
  private readonly placed = new Set<string>();

  constructor(
    private readonly body: ResponsesBody,
    private readonly opening: StreamOpening,
    /** The error as the Responses client names its request (responses-error.ts). */
    private readonly clientError: (error: GatewayError) => GatewayError = (error) => error,
  ) {
    this.summarize = summaryRequested(body);
  }

  start(): string {
    const response = this.response('in_progress', null);
    return this.events([
      { type: 'response.created', response },
      { type: 'response.in_progress', response },
    ]);
  }

  chunk(chunk: ChatChunk): string {
    return this.events(this.translate(chunk));
  }

  end(last: ChatChunk | undefined, usage: Usage, report: RouterStreamReport): string {
    const events = last ? this.translate(last) : [];
    const ending = mapFinishReason(this.finishReason);
    events.push(...this.closeReasoning(), ...this.closeMessage(ending.status), ...this.closeCalls(ending.status));
    const response = { ...this.response(ending.status, ending.incomplete_details), usage: toResponsesUsage(usage) };
    events.push({ type: ending.status === 'completed' ? 'response.completed' : 'response.incomplete', response, x_router: report });
    return this.events(events);
  }

  /**
   * OpenAI's way to say a stream failed: an `error` event, then `response.failed` with what had
   * been written, its open items `incomplete`.
   */
  fail(chatError: GatewayError, report: RouterStreamReport): string {
    const error = this.clientError(chatError);
    const events = [...this.closeReasoning(), ...this.closeMessage('incomplete'), ...this.closeCalls('incomplete')];
    events.push({ type: 'error', code: error.code, message: error.message, param: error.param });
    const response = { ...this.response('failed', null), error: { code: error.code ?? error.type, message: error.message } };
    events.push({ type: 'response.failed', response, x_router: report });
    return this.events(events);
  }

  private translate(chunk: ChatChunk): ResponsesWireEvent[] {
    const events: ResponsesWireEvent[] = [];
    for (const choice of chunk.choices ?? []) {
      // The Responses API has one answer per request.
      if (choice.index !== 0) continue;
      const delta = (choice.delta ?? {}) as ChatChunk['choices'][number]['delta'] & ChatReasoningFields;
      if (delta.reasoning_content) events.push(...this.addReasoning(delta.reasoning_content));
      // The answer starts, and the thinking before it is complete (it may have streamed no text: all
      // redacted): its item is closed, with its blocks, before the answer's item is added.
      const before = delta[THOUGHT_BEFORE];
      if (before && before.length > 0) {
        this.addBlocks(events, before);
        events.push(...this.closeReasoning());
      }
      const blocks = delta.thinking_blocks?.filter((b) => !this.placed.has(blockKey(b)));
      if (blocks && blocks.length > 0) this.addBlocks(events, blocks);
      if (delta.content) events.push(...this.addText('text', delta.content));
      if (delta.refusal) events.push(...this.addText('refusal', delta.refusal));
      for (const call of delta.tool_calls ?? []) {
        let open = this.calls.get(call.index);
        if (!open) {
          events.push(...this.closeSummary(), ...this.closeMessage('completed'));
          const index = this.output.length;
          const item: ResponsesCallItem = { type: 'function_call', id: itemId(this.opening.requestId, 'fc', index), call_id: call.id ?? '', name: call.function?.name ?? '', arguments: '', status: 'in_progress' };
          this.output.push(item);
          open = { index, item };
          this.calls.set(call.index, open);
          events.push({ type: 'response.output_item.added', output_index: index, item: { ...item } });
        } else if (call.function?.name) {
          open.item.name += call.function.name;
        }
        const piece = call.function?.arguments;
        if (piece) {
          open.item.arguments += piece;
          events.push({ type: 'response.function_call_arguments.delta', item_id: open.item.id, output_index: open.index, delta: piece });
        }
      }
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
    return events;
  }

  /** The reasoning item, opened (its `output_item.added` pushed on `events`) if need be. */
  private openReasoning(events: ResponsesWireEvent[]): OpenReasoning {
    if (this.reasoning) return this.reasoning;
    const index = this.output.length;
    const item = toReasoningItem(itemId(this.opening.requestId, 'rs', index), '', undefined);
    this.output.push(item);
    events.push({ type: 'response.output_item.added', output_index: index, item: copyItem(item) });
    return (this.reasoning = { index, item });
  }

  /** Blocks for the reasoning item (opened if need be), written in its encrypted_content when it closes. */
  private addBlocks(events: ResponsesWireEvent[], blocks: ChatThinkingBlock[]): void {
    const reasoning = this.openReasoning(events);
    reasoning.blocks = [...(reasoning.blocks ?? []), ...blocks];
    for (const block of blocks) this.placed.add(blockKey(block));
  }

  /**
   * A piece of readable reasoning, in the reasoning item's summary part (both opened if need be); when
   * the request asked for no summary, only the item is opened (its `summary` stays `[]`, as OpenAI's).
   */
  private addReasoning(piece: string): ResponsesWireEvent[] {
    const events: ResponsesWireEvent[] = [];
    const reasoning = this.openReasoning(events);
    if (!this.summarize) return events;
    let summaryIndex = reasoning.openPart;
    if (summaryIndex === undefined) {
      summaryIndex = reasoning.openPart = reasoning.item.summary.length;
      reasoning.item.summary.push({ type: 'summary_text', text: '' });
      events.push({ type: 'response.reasoning_summary_part.added', item_id: reasoning.item.id, output_index: reasoning.index, summary_index: summaryIndex, part: { type: 'summary_text', text: '' } });
    }
    reasoning.item.summary[summaryIndex].text += piece;
    events.push({ type: 'response.reasoning_summary_text.delta', item_id: reasoning.item.id, output_index: reasoning.index, summary_index: summaryIndex, delta: piece });
    return events;
  }

  /** The summary's text is complete once the answer itself starts (the item may wait for its blocks). */
  private closeSummary(): ResponsesWireEvent[] {
    const reasoning = this.reasoning;
    const summaryIndex = reasoning?.openPart;
    if (!reasoning || summaryIndex === undefined) return [];
    reasoning.openPart = undefined;
    const where = { item_id: reasoning.item.id, output_index: reasoning.index, summary_index: summaryIndex };
    const { text } = reasoning.item.summary[summaryIndex];
    return [
      { type: 'response.reasoning_summary_text.done', ...where, text },
      { type: 'response.reasoning_summary_part.done', ...where, part: { type: 'summary_text', text } },
    ];
  }

  private closeReasoning(): ResponsesWireEvent[] {
    const reasoning = this.reasoning;
    if (!reasoning) return [];
    const events = this.closeSummary();
    this.reasoning = undefined;
    // Its summary as streamed; its encrypted_content from the blocks.
    const item = { ...toReasoningItem(reasoning.item.id, '', reasoning.blocks), summary: reasoning.item.summary };
    this.output[reasoning.index] = item;
    events.push({ type: 'response.output_item.done', output_index: reasoning.index, item: copyItem(item) });
    return events;
  }

  /** A piece of text or refusal, in the open message (opened, with its part, if need be). */
  private addText(kind: 'text' | 'refusal', piece: string): ResponsesWireEvent[] {
    const events: ResponsesWireEvent[] = this.closeSummary();
    let message = this.message;
    if (!message) {
      const index = this.output.length;
      const item: ResponsesMessageItem = { type: 'message', id: itemId(this.opening.requestId, 'msg', index), status: 'in_progress', role: 'assistant', content: [] };
      this.output.push(item);
      message = this.message = { index, item };
      events.push({ type: 'response.output_item.added', output_index: index, item: { ...item, content: [] } });
    }
    const where = { item_id: message.item.id, output_index: message.index };
    let partIndex = message[kind];
    if (partIndex === undefined) {
      partIndex = message[kind] = message.item.content.length;
      const part: ResponsesTextPart | ResponsesRefusalPart = kind === 'text' ? { type: 'output_text', text: '', annotations: [] } : { type: 'refusal', refusal: '' };
      message.item.content.push(part);
      events.push({ type: 'response.content_part.added', ...where, content_index: partIndex, part: { ...part } });
    }
    const part = message.item.content[partIndex];
    if (part.type === 'output_text') {
      part.text += piece;
      events.push({ type: 'response.output_text.delta', ...where, content_index: partIndex, delta: piece, logprobs: [] });
    } else {
      part.refusal += piece;
      events.push({ type: 'response.refusal.delta', ...where, content_index: partIndex, delta: piece });
    }
    return events;
  }

  private closeMessage(status: 'completed' | 'incomplete'): ResponsesWireEvent[] {
    const message = this.message;
    if (!message) return [];
    this.message = undefined;
    const where = { item_id: message.item.id, output_index: message.index };
    const events: ResponsesWireEvent[] = [];
    message.item.content.forEach((part, contentIndex) => {
      if (part.type === 'output_text') events.push({ type: 'response.output_text.done', ...where, content_index: contentIndex, text: part.text, logprobs: [] });
      else events.push({ type: 'response.refusal.done', ...where, content_index: contentIndex, refusal: part.refusal });
      events.push({ type: 'response.content_part.done', ...where, content_index: contentIndex, part: { ...part } });
    });
    message.item.status = status;
    events.push({ type: 'response.output_item.done', output_index: message.index, item: copyItem(message.item) });
    return events;
  }

  private closeCalls(status: 'completed' | 'incomplete'): ResponsesWireEvent[] {
    const events: ResponsesWireEvent[] = [];
    const open = [...this.calls.values()].sort((a, b) => a.index - b.index);
    this.calls.clear();
    for (const { index, item } of open) {
      events.push({ type: 'response.function_call_arguments.done', item_id: item.id, output_index: index, name: item.name, arguments: item.arguments });
      item.status = status;
      events.push({ type: 'response.output_item.done', output_index: index, item: { ...item } });
    }
    return events;
  }

  private response(status: 'in_progress' | 'completed' | 'incomplete' | 'failed', incompleteDetails: ReturnType<typeof mapFinishReason>['incomplete_details']) {
    return buildResponse(this.body, {
      id: this.opening.requestId,
      createdAt: this.opening.createdAt,
      model: this.opening.model,
      status,
      incompleteDetails: incompleteDetails,
      output: this.output.map(copyItem),
    });
  }

  /** Server-sent events as OpenAI writes them: the type as the event name, the sequence number in the data. */
  private events(events: ResponsesWireEvent[]): string {
    let text = '';
    for (const event of events) text += `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: this.sequence++ })}\n\n`;
    return text;
  }
}

/** A copy of an item as it stands, for an event (the writer keeps appending to its own). */
function copyItem<T extends ResponsesWireItem>(item: T): T {
  if (item.type === 'message') return { ...item, content: item.content.map((p) => ({ ...p })) };
  if (item.type === 'reasoning') return { ...item, summary: item.summary.map((p) => ({ ...p })) };
  return { ...item };
}
