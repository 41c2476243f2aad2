import { z } from 'zod';

/**
 * What a model can do; a request that needs something a model lacks never goes to it. `forced_tool_choice`:
 * the model honours a tool choice that forces a call (`required`, a named tool, `allowed_tools` in mode
 * `required`); some answer it with an error. `assistant_prefill`: the model takes a conversation that ends
 * on an assistant message (Claude 4.6 and later refuse one). See docs/providers.md.
 */
export const capabilitiesSchema = z
  .object({ tools: z.boolean(), vision: z.boolean(), json_schema: z.boolean(), reasoning: z.boolean(), forced_tool_choice: z.boolean(), assistant_prefill: z.boolean() })
  .strict();

export const tokenizerSchema = z.enum(['o200k_base', 'estimate']);

/**
 * Message transforms a prompt template may apply, in order, when a request goes to a model it selects.
 * See docs/providers.md ("Prompt adaptation").
 */
export const promptTransformSchema = z.discriminatedUnion('type', [
  /** When the request asks for JSON (`response_format` json_schema or json_object), say so in the system prompt. */
  z.object({ type: z.literal('json_reminder'), text: z.string().min(1).optional() }).strict(),
  /** Fold the system prompt into the first user message, for models that ignore or reject system prompts. */
  z.object({ type: z.literal('system_to_user') }).strict(),
  /** Append text to the last user message. */
  z.object({ type: z.literal('append_to_last_user'), text: z.string().min(1) }).strict(),
  /** A regular-expression replacement in the text of the messages of the given roles. */
  z
    .object({
      type: z.literal('replace'),
      pattern: z.string().min(1),
      flags: z.string().regex(/^[gimsuy]*$/).default('g'),
      with: z.string(),
      roles: z.array(z.enum(['system', 'user', 'assistant'])).min(1).default(['system', 'user']),
    })
    .strict(),
]);

export const promptTemplateConfigSchema = z
  .object({
    /** Recorded in the request record (`requests.prompt_template`) when the template was applied. */
    name: z.string().min(1).regex(/^[A-Za-z0-9._:\/-]+$/, 'use letters, digits and . _ : / -'),
    /** Model ids this template applies to; these win over `families`. */
    models: z.array(z.string().min(1)).default([]),
    /** Model families this template applies to (a model's `family`, by default its provider's preset or kind). */
    families: z.array(z.string().min(1)).default([]),
    /** Replaces the system prompt; `{{system}}` is the client's system prompt, `{{model}}` the model id. */
    system: z.string().optional(),
    transforms: z.array(promptTransformSchema).default([]),
  })
  .strict()
  .refine((t) => t.models.length + t.families.length > 0, { message: 'a prompt template needs models or families to apply to' });

export type ModelCapabilitiesConfig = z.infer<typeof capabilitiesSchema>;
export type PromptTransformConfig = z.infer<typeof promptTransformSchema>;
export type PromptTemplateConfig = z.infer<typeof promptTemplateConfigSchema>;
