import type { ScoringInput, ValidatorConfig, ValidatorResult } from '../scoring-input';

const REFUSAL = /\b(I can(?:no|')t (?:help|assist|comply)|I(?:'m| am) (?:sorry|unable)[^.]{0,40}\b(?:can(?:no|')t|unable)|I won't be able to|as an AI(?: language model)?, I)/i;

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
