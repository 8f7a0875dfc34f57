import { parseParameterizedValue } from '../../http/header-parameters';

/** RFC 2046 `bchars`: letters, digits and `'()+_,-./:=?` or a space, the space never last. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/**
 * The boundary parameter of a multipart/form-data Content-Type, or null when the media type is
 * another one or the boundary is missing or not one RFC 2046 allows (1-70 characters).
 */
export function multipartBoundary(contentType: string): string | null {
  const parsed = parseParameterizedValue(contentType);
  if (parsed?.value !== 'multipart/form-data') return null;

  const boundary = parsed.parameters.get('boundary');
  return boundary !== undefined && BOUNDARY.test(boundary) ? boundary : null;
}
