// Shared with `npm run api-key` (which Node runs from source), so this file imports nothing.

/** Crockford's base32, the alphabet of ULIDs: sortable as text, no ambiguous letters. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export type IdPrefix = 'task' | 'emp' | 'upload' | 'org' | 'key' | 'req';

/**
 * A new identifier such as `task_01JX6Q...`: a type prefix, then a ULID whose first ten
 * characters encode the creation time, so that ids sort by creation.
 */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  return `${prefix}_${encodeTime(now)}${encodeRandom()}`;
}

function encodeTime(milliseconds: number): string {
  let remaining = milliseconds;
  let text = '';
  for (let position = 0; position < 10; position++) {
    text = ALPHABET[remaining % 32] + text;
    remaining = Math.floor(remaining / 32);
  }
  return text;
}

function encodeRandom(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let text = '';
  for (const byte of bytes) text += ALPHABET[byte % 32];
  return text;
}
