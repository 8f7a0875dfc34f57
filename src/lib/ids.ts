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

/** Random bytes drawn 4 KiB at a time: an upload mints thousands of ids per chunk. */
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

function encodeRandom(): string {
  if (poolOffset + 16 > pool.length) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  let text = '';
  for (let index = 0; index < 16; index++) text += ALPHABET[pool[poolOffset + index]! % 32];
  poolOffset += 16;
  return text;
}
