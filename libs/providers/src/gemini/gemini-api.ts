/**
 * Gemini API (generativelanguage.googleapis.com, v1beta) REST shapes. The request is typed here (the
 * `@google/genai` SDK types its own call parameters, not the REST body); responses are parsed by loose
 * zod schemas at the edge and typed inside.
 * https://ai.google.dev/api/generate-content
 */
import { z } from 'zod';

export interface GeminiInlineData {
  mimeType: string;
  data: string;
}
export type GeminiPart =
  | { text: string }
  | { inlineData: GeminiInlineData }
  | { fileData: { fileUri: string; mimeType?: string } }
  /** `thoughtSignature` sits beside `functionCall`, on the part: https://ai.google.dev/gemini-api/docs/thought-signatures */
  | { functionCall: { name: string; args: Record<string, unknown> }; thoughtSignature?: string }
  | { functionResponse: { name: string; response: Record<string, unknown> } };

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

/** The OpenAPI 3.0 subset Gemini accepts as a schema: https://ai.google.dev/api/caching#Schema */
export interface GeminiSchema {
  type?: string;
  format?: string;
  title?: string;
  description?: string;
  nullable?: boolean;
  enum?: unknown[];
  items?: GeminiSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, GeminiSchema>;
  required?: string[];
  minProperties?: number;
  maxProperties?: number;
  propertyOrdering?: string[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  anyOf?: GeminiSchema[];
  default?: unknown;
  example?: unknown;
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: GeminiSchema;
}

export interface GeminiToolConfig {
  functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] };
}

/** https://ai.google.dev/api/generate-content#ThinkingConfig */
export interface GeminiThinkingConfig {
  includeThoughts?: boolean;
  /** Gemini 2.x: a token budget (0: off, where the model allows it). */
  thinkingBudget?: number;
  /** Gemini 3 and later. */
  thinkingLevel?: 'low' | 'high';
}

export interface GeminiGenerationConfig {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  responseMimeType?: string;
  responseSchema?: GeminiSchema;
  thinkingConfig?: GeminiThinkingConfig;
}

export interface GeminiRequestBody {
  contents: GeminiContent[];
  systemInstruction?: { parts: Array<{ text: string }> };
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }>;
  toolConfig?: GeminiToolConfig;
  generationConfig?: GeminiGenerationConfig;
}

export const geminiUsageSchema = z
  .object({
    promptTokenCount: z.number().nullish(),
    candidatesTokenCount: z.number().nullish(),
    totalTokenCount: z.number().nullish(),
    cachedContentTokenCount: z.number().nullish(),
    thoughtsTokenCount: z.number().nullish(),
  })
  .passthrough();
export type GeminiUsage = z.infer<typeof geminiUsageSchema>;

const responsePartSchema = z
  .object({
    text: z.string().optional(),
    thought: z.boolean().optional(),
    thoughtSignature: z.string().optional(),
    functionCall: z.object({ name: z.string(), args: z.record(z.unknown()).nullish() }).passthrough().optional(),
  })
  .passthrough();
export type GeminiResponsePart = z.infer<typeof responsePartSchema>;

export const geminiCandidateSchema = z
  .object({
    content: z.object({ role: z.string().optional(), parts: z.array(responsePartSchema).optional() }).passthrough().optional(),
    finishReason: z.string().optional(),
    index: z.number().optional(),
  })
  .passthrough();
export type GeminiCandidate = z.infer<typeof geminiCandidateSchema>;

export const geminiErrorSchema = z.object({
  error: z
    .object({
      code: z.number().optional(),
      message: z.string().optional(),
      status: z.string().optional(),
      details: z.array(z.object({ '@type': z.string().optional(), retryDelay: z.string().optional() }).passthrough()).optional(),
    })
    .passthrough(),
});
export type GeminiError = z.infer<typeof geminiErrorSchema>['error'];

export const geminiResponseSchema = z
  .object({
    candidates: z.array(geminiCandidateSchema).optional(),
    promptFeedback: z.object({ blockReason: z.string().optional() }).passthrough().optional(),
    usageMetadata: geminiUsageSchema.optional(),
    modelVersion: z.string().optional(),
    responseId: z.string().optional(),
  })
  .passthrough();
export type GeminiResponse = z.infer<typeof geminiResponseSchema>;
