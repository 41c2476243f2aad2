import type { ChatRequest } from '../../../../libs/core/src';
import type { TextFormatParam } from './parse-responses-request';

/**
 * Responses' `text.format` as chat's `response_format`: the JSON schema's fields sit flat in the
 * format there, nested under `json_schema` in chat. Plain text needs no format.
 */
export function convertTextFormat(format: TextFormatParam): ChatRequest['response_format'] {
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema':
      return {
        type: 'json_schema',
        json_schema: {
          name: format.name,
          schema: format.schema,
          ...(format.description !== undefined ? { description: format.description } : {}),
          ...(format.strict != null ? { strict: format.strict } : {}),
        },
      };
  }
}
