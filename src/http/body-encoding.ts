import { ApiError } from './errors';
import { parseParameterizedValue } from './header-parameters';

/** UTF-8, or ASCII, which is UTF-8 too. */
const UTF8_CHARSET = /^(?:utf-?8|us-ascii)$/i;

// Bodies this API would misread are refused with 415: bytes sent with a content coding (gzip
// bytes are not the CSV or JSON they compress), and text declared in a charset other than
// UTF-8, the only one it reads.

/** Refuses a body sent with a content coding other than `identity`. */
export function requireNoContentCoding(headers: Headers): void {
  const coding = headers.get('Content-Encoding')?.trim().toLowerCase();
  if (coding && coding !== 'identity') {
    throw new ApiError(
      'unsupported_media_type',
      `Send the body without a content coding; the request had Content-Encoding \`${coding}\`.`,
      undefined,
      { headers: { 'Accept-Encoding': 'identity' } },
    );
  }
}

/** Refuses a media type that declares a charset other than UTF-8; none means UTF-8. */
export function requireUtf8Charset(contentType: string | null): void {
  const charset = parseParameterizedValue(contentType ?? '')?.parameters.get('charset');
  if (charset !== undefined && !UTF8_CHARSET.test(charset)) {
    throw new ApiError(
      'unsupported_media_type',
      `Send the text as UTF-8; the request declared charset \`${charset}\`.`,
    );
  }
}
