import type { ChatRequest } from '../../../core/src';
import { classifyTask, countMatches, detectScript, extractPromptContext, FEATURE_NAMES, featureVector, lengthBucket } from './prompt-features';

const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'm', messages: [{ role: 'user', content }], ...extra });

describe('extractPromptContext', () => {
  it('classifies common tasks from the text', () => {
    expect(classifyTask('Write a Python function that reverses a list.')).toBe('code');
    expect(classifyTask('Why does this fail?\n```js\nconst x = null; x.y();\n```')).toBe('code');
    expect(classifyTask('Solve for x: 3x + 7 = 22')).toBe('math');
    expect(classifyTask('How many apples are left if I have 12 and eat 5?')).toBe('math');
    expect(classifyTask('Translate "good morning" into French')).toBe('translation');
    expect(classifyTask('Extract all the dates from this letter as JSON')).toBe('extraction');
    expect(classifyTask('Scenario 1 | I took the money. Scenario 2 | I gave it back. Which is morally wrong?')).toBe('reasoning');
    expect(classifyTask('hi there')).toBe('chit_chat');
    expect(classifyTask('Write me a poem about autumn')).toBe('creative');
    expect(classifyTask('What is the capital of Australia?')).toBe('general');
  });

  it('builds a low-cardinality key from task, length and the flags that are set', () => {
    const ctx = extractPromptContext(
      ask('Write a TypeScript function that parses a date', {
        tools: [{ type: 'function', function: { name: 'run', parameters: {} } }],
        response_format: { type: 'json_object' },
      }),
      { tier: 'pro', tags: ['batch'] },
    );
    expect(ctx.contextKey).toBe('code|short|tools|json|tier=pro');
    expect(ctx.features).toMatchObject({ toolsPresent: true, structuredOutput: true, conversationDepth: 1, tier: 'pro', tags: ['batch'] });
  });

  it('counts conversation depth and length over all messages, and classifies the last user turn', () => {
    const request: ChatRequest = {
      model: 'm',
      messages: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: 'hello' },
        { role: 'assistant', content: 'x'.repeat(2000) },
        { role: 'user', content: [{ type: 'text', text: 'Now solve 2x + 3 = 11 for x.' }] },
      ],
    };
    const ctx = extractPromptContext(request);
    expect(ctx.features.conversationDepth).toBe(2);
    expect(ctx.features.lengthBucket).toBe('long');
    expect(ctx.contextKey).toBe('math|long|multi');
  });

  it('guesses the script and keeps it in the key when not latin', () => {
    expect(detectScript('Привет, как дела?')).toBe('cyrillic');
    expect(detectScript('请把这段话翻译成英文')).toBe('cjk');
    expect(detectScript('Hello, world')).toBe('latin');
    expect(extractPromptContext(ask('Расскажи про историю Рима')).contextKey).toBe('general|short|cyrillic');
  });

  it('gives a one-hot vector matching FEATURE_NAMES', () => {
    const ctx = extractPromptContext(ask('Solve 12 * 7 + 3 = ?'));
    expect(ctx.vector.length).toBe(FEATURE_NAMES.length);
    const on = FEATURE_NAMES.filter((_, i) => ctx.vector[i] === 1);
    expect(on).toEqual(['bias', 'task:math', 'length:short']);
  });

  it('builds the vector when first read, the same numbers as featureVector, then keeps it; JSON as the plain context', () => {
    const ctx = extractPromptContext({ model: 'x', messages: [{ role: 'system', content: 'You translate.' }, ...ask('Bonjour, traduis ceci en anglais').messages] });
    expect(Object.keys(ctx)).toEqual(['features', 'contextKey']);
    const vector = ctx.vector;
    expect(Array.from(vector)).toEqual(Array.from(featureVector(ctx.features)));
    expect(ctx.vector).toBe(vector);
    const plain = JSON.parse(JSON.stringify(ctx));
    expect(Object.keys(plain)).toEqual(['features', 'contextKey', 'vector']);
    expect(plain).toEqual(JSON.parse(JSON.stringify({ features: ctx.features, contextKey: ctx.contextKey, vector: featureVector(ctx.features) })));
    const replaced = new Float64Array(FEATURE_NAMES.length);
    ctx.vector = replaced;
    expect(ctx.vector).toBe(replaced);
  });

  it('buckets lengths at fixed thresholds', () => {
    expect([0, 299, 300, 1199, 1200, 7999, 8000].map(lengthBucket)).toEqual(['short', 'short', 'medium', 'medium', 'long', 'long', 'very_long']);
  });
});

describe('countMatches', () => {
  const count = (pattern: RegExp, text: string) => {
    pattern.lastIndex = 0;
    let n = 0;
    while (pattern.exec(text) !== null) n++;
    return n;
  };
  const texts = ['', 'x = 1; y = 2 + 3 * 4', 'const f = () => { return null; } ++i; a === b', 'prove the theorem; therefore, it is valid', 'no symbols here', '[] {} {  } !== =>'];

  it('counts what an exec loop counts, up to the limit, and leaves lastIndex at 0', () => {
    for (const pattern of [/[=+\-*/^]|\d/g, /\b(return|const|null)\b|=>|!==|===|\+\+|\[\]|\{\s*\}/g, /\b(therefore|valid|prove)\b/gi]) {
      for (const text of texts) {
        const all = count(pattern, text);
        expect(countMatches(pattern, text)).toBe(all);
        for (const limit of [1, 2, 3]) expect(countMatches(pattern, text, limit)).toBe(Math.min(limit, all));
        expect(pattern.lastIndex).toBe(0);
      }
    }
  });
});
