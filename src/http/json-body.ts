import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { every } from 'hono/combine';

import { requireNoContentCoding, requireUtf8Charset } from './body-encoding';
import type { AppBindings } from './context';
import { ApiError } from './errors';

const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json$/i;

/** Decodes strictly: bytes that are not UTF-8 refuse the body instead of turning into U+FFFD. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Admits only a JSON body of at most `maxBytes`: 415 for another media type, a content coding
 * or a charset other than UTF-8, 413 when too large (before reading more than the limit), 400
 * for an empty body or one that is not UTF-8 JSON. What passes is cached as text, so the zod
 * validator after it reads it without decoding it again.
 */
export const jsonBody = (maxBytes: number) =>
  every(
    requireJsonMediaType,
    bodyLimit({
      maxSize: maxBytes,
      onError: () => {
        throw new ApiError('payload_too_large', `The body must be at most ${maxBytes} bytes.`);
      },
    }),
    requireParsableJson,
  );

const requireJsonMediaType = createMiddleware<AppBindings>(async (c, next) => {
  const mediaType = (c.req.header('Content-Type') ?? '').split(';')[0]!.trim();
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    const sent = mediaType ? `\`${mediaType}\`` : 'no Content-Type';
    throw new ApiError(
      'unsupported_media_type',
      `Send the body as \`application/json\`; the request had ${sent}.`,
    );
  }
  requireNoContentCoding(c.req.raw.headers);
  requireUtf8Charset(c.req.header('Content-Type') ?? null);
  await next();
});

const requireParsableJson = createMiddleware<AppBindings>(async (c, next) => {
  const text = decodeUtf8(await c.req.arrayBuffer());
  // The validator reads the body through Hono's cache: the text decoded here, not the bytes again.
  // Hono keeps each body there as a promise, though its types declare the values themselves.
  Object.assign(c.req.bodyCache, { text: Promise.resolve(text) });
  if (text.trim() === '') throw new ApiError('empty_body', 'The request body is empty.');

  try {
    JSON.parse(text);
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'it is not JSON';
    throw new ApiError('malformed_json', `The body is not valid JSON: ${reason}.`);
  }
  await next();
});

function decodeUtf8(bytes: ArrayBuffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ApiError('malformed_json', 'The body is not valid JSON: it is not valid UTF-8.');
  }
}
