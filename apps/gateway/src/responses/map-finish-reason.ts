/** How a chat answer's finish reason ends a response: cut short by the token limit or a filter is `incomplete`. */
export interface ResponseEnding {
  status: 'completed' | 'incomplete';
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
}

export function mapFinishReason(finishReason: string | null | undefined): ResponseEnding {
  switch (finishReason) {
    case 'length':
      return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
    case 'content_filter':
      return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
    default:
      return { status: 'completed', incomplete_details: null };
  }
}
