import OpenAI from 'openai';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import type { FakeUpstream } from '../fakes/fake-anthropic.server';
import type { FakeGemini } from '../fakes/fake-gemini.server';
import type { FakeOpenAI } from '../fakes/fake-openai.server';
import { startThreeFakes, THREE_FAKES_ENV, type ThreeFakes } from '../support/three-fakes';
import { rejection } from '../support/sdk-rejection';
import { startStack, type Stack } from '../support/stack';

/**
 * Differences from OpenAI an application using the official openai SDK would hit with the Responses
 * API (`client.responses.*`), found by a second audit against each adapter (fakes speaking each
 * provider's wire format).
 */
describe('the official openai SDK against the gateway: audited differences of the Responses API', () => {
  let fakes: ThreeFakes;
  let openai: FakeOpenAI;
  let anthropic: FakeUpstream;
  let gemini: FakeGemini;
  let stack: Stack;

  beforeAll(async () => {
    fakes = await startThreeFakes();
    ({ openai, anthropic, gemini } = fakes);
    const yaml = `
providers:
${fakes.providersYaml}
models:
${fakes.modelsYaml}
`;
    stack = await startStack({ yaml, queue: 'in-process', env: THREE_FAKES_ENV });
  });
  afterAll(async () => {
    await stack.close();
    await fakes.close();
  });

  const PDF = 'JVBERi0xLjQKJcTl8uXrpw==';
  const withFile = (file: Record<string, unknown>): ResponseInputItem[] => [
    { role: 'user', content: [{ type: 'input_text', text: 'Summarize this report. [fixture:text]' }, { type: 'input_file', ...file } as never] },
  ];

  it('takes a PDF as an input_file part (file_data), as OpenAI does, on every adapter', async () => {
    // The Responses API's way to send a document (https://platform.openai.com/docs/guides/pdf-files):
    // Chat Completions takes the same PDF as a `file` part, which every adapter sends on.
    openai.setBehavior(() => ({ kind: 'text', content: 'Hello! How can I help you today?' }));
    const input = withFile({ filename: 'report.pdf', file_data: `data:application/pdf;base64,${PDF}` });
    const sent = {
      gpt: () => (openai.requests.at(-1)!.messages as unknown[])[0],
      sonnet: () => (anthropic.requests.at(-1)!.body as { messages: unknown[] }).messages[0],
      flash: () => (gemini.requests.at(-1)!.body as { contents: unknown[] }).contents[0],
    };
    const expected = {
      gpt: { role: 'user', content: [{ type: 'text', text: 'Summarize this report. [fixture:text]' }, { type: 'file', file: { filename: 'report.pdf', file_data: `data:application/pdf;base64,${PDF}` } }] },
      sonnet: { role: 'user', content: [{ type: 'text', text: 'Summarize this report. [fixture:text]' }, { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF } }] },
      flash: { role: 'user', parts: [{ text: 'Summarize this report. [fixture:text]' }, { inlineData: { mimeType: 'application/pdf', data: PDF } }] },
    };
    for (const model of ['gpt', 'sonnet', 'flash'] as const) {
      const plain = await stack.client.responses.create({ model, input });
      expect([model, plain.output_text]).toEqual([model, 'Hello! How can I help you today?']);
      expect(sent[model]()).toEqual(expected[model]);
      const streamed = await stack.client.responses.stream({ model, input }).finalResponse();
      expect([model, streamed.output_text]).toEqual([model, 'Hello! How can I help you today?']);
      expect(sent[model]()).toEqual(expected[model]);
    }
  });

  it('refuses a file by id or by URL with a 400 naming it (nothing is uploaded to a stateless gateway), before any upstream call', async () => {
    const calls = openai.requests.length;
    for (const [file, param] of [
      [{ file_id: 'file-abc123' }, 'input[0].content[1].file_id'],
      [{ file_url: 'https://example.com/report.pdf' }, 'input[0].content[1].file_url'],
      [{ filename: 'report.pdf' }, 'input[0].content[1].file_data'],
    ] as const) {
      const err = await rejection(stack.client.responses.create({ model: 'gpt', input: withFile(file) }));
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err).toMatchObject({ status: 400, type: 'invalid_request_error', param });
    }
    expect(openai.requests.length).toBe(calls);

    // An adapter's refusal names the client's part too: Claude reads PDFs only.
    const claudeCalls = anthropic.requests.length;
    const text = await rejection(stack.client.responses.create({ model: 'sonnet', input: withFile({ filename: 'notes.txt', file_data: 'data:text/plain;base64,aGVsbG8=' }) }));
    expect(text).toMatchObject({ status: 400, param: 'input[0].content[1]', message: expect.stringContaining('PDF') });
    expect(anthropic.requests.length).toBe(claudeCalls);
  });
});
