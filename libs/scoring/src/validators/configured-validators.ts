import type { ScoringInput, ValidatorConfig, ValidatorResult } from '../scoring-input';

/**
 * An answer that declines, in its opening: "I can't help with that", "I'm sorry, but I cannot…",
 * "I must decline". Apostrophes may be typographic (’), as some models write them. "I can't help but
 * notice" is not a refusal.
 */
const A = "['\u2019]";
const REFUSAL = new RegExp(
  [
    `\\bI(?: can(?:not|${A}t)| won${A}t| will not|(?: am|${A}m) (?:unable|not able) to) (?:help|assist|comply|fulfill?|do that)\\b(?! but\\b)`,
    `\\bI(?:${A}m| am) (?:sorry|afraid)[^.]{0,40}\\b(?:can(?:not|${A}t)|unable|not able|won${A}t)\\b`,
    `\\bI won${A}t be able to\\b`,
    `\\bI (?:must|have to) (?:decline|refuse)\\b`,
    `\\bas an AI(?: language model)?, I\\b`,
  ].join('|'),
  'i',
);

/** A validator that a route's config asks for, applied to the answer's text. */
export function runConfiguredValidator(config: ValidatorConfig, input: ScoringInput): ValidatorResult {
  const text = input.response.content ?? '';
  switch (config.type) {
    case 'regex': {
      const matched = new RegExp(config.pattern, config.flags).test(text);
      const passed = config.expect === 'match' ? matched : !matched;
      return { validator: `regex:${config.pattern}`, passed, detail: passed ? undefined : `expected ${config.expect}` };
    }
    case 'contains': {
      const found = config.case_sensitive ? text.includes(config.text) : text.toLowerCase().includes(config.text.toLowerCase());
      const passed = config.expect === 'present' ? found : !found;
      return { validator: `contains:${config.text}`, passed, detail: passed ? undefined : `expected text ${config.expect}` };
    }
    case 'max_length': {
      const passed = text.length <= config.chars;
      return { validator: 'max_length', passed, detail: passed ? undefined : `${text.length} > ${config.chars} chars` };
    }
    case 'refusal': {
      const refused = Boolean(input.response.refusal) || REFUSAL.test(text.slice(0, 400));
      return { validator: 'refusal', passed: !refused, detail: refused ? 'the model refused' : undefined };
    }
  }
}
