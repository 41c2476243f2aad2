import { scoreResponseJobSchema } from './jobs';

const job = (tools: unknown[], toolCalls: unknown[]) => ({
  requestId: 'r1',
  route: 'default',
  contextKey: 'general|short',
  modelId: 'gpt',
  costUsd: 0.001,
  completionTokens: 9,
  discount: 1,
  validators: [],
  request: { tools },
  response: { content: null, toolCalls, finishReason: 'tool_calls' },
});

describe('scoreResponseJobSchema', () => {
  it('keeps custom tools and custom tool calls as they were queued', () => {
    const queued = job(
      [{ name: 'weather', parameters: { type: 'object' } }, { type: 'custom', name: 'run_sql' }],
      [{ type: 'custom', name: 'run_sql', input: 'SELECT 1' }, { name: 'weather', arguments: '{}' }],
    );
    const parsed = scoreResponseJobSchema.parse(queued);
    expect(parsed.request.tools).toEqual(queued.request.tools);
    expect(parsed.response.toolCalls).toEqual(queued.response.toolCalls);
  });
});
