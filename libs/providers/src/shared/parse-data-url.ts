/** `data:<media type>;base64,<data>` -> its parts; undefined for anything else (http URLs, non-base64 data URLs). */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+)((?:;[^;,]+)*);base64,(.*)$/s.exec(url);
  if (!match) return undefined;
  return { mediaType: match[1].toLowerCase(), data: match[3] };
}
