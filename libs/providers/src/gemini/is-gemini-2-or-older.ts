/**
 * Whether an upstream model name is a Gemini 2.x (or older) model, which differ from Gemini 3 and later
 * in what a request may combine: they size thinking with `thinkingBudget` (later ones with
 * `thinkingLevel`), and refuse function tools together with a JSON response (later ones take both:
 * https://ai.google.dev/gemini-api/docs/structured-output#structured_outputs_with_tools).
 */
export function isGemini2OrOlder(model: string): boolean {
  return /^(?:models\/)?gemini-[12]\./.test(model);
}
