// Shared with `npm run api-key` (which Node runs from source), so this file imports nothing.

/** Crockford's base32, the alphabet of ULIDs: sortable as text, no ambiguous letters. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ALPHABET_CODES = Array.from(ALPHABET, (letter) => letter.charCodeAt(0));

export type IdPrefix = 'task' | 'emp' | 'upload' | 'org' | 'key' | 'req';

/**
 * A new identifier such as `task_01JX6Q...`: a type prefix, then a ULID whose first ten
 * characters encode the creation time, so that ids sort by creation.
 */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  return `${prefix}_${encodeTime(now)}${encodeRandom()}`;
}

/** The last time encoded: an upload mints thousands of ids within the same millisecond. */
let encodedMillisecond = -1;
let encodedTime = '';

function encodeTime(milliseconds: number): string {
  if (milliseconds === encodedMillisecond) return encodedTime;

  const codes = new Array<number>(10);
  let remaining = milliseconds;
  for (let position = 9; position >= 0; position--) {
    codes[position] = ALPHABET_CODES[remaining % 32]!;
    remaining = Math.floor(remaining / 32);
  }
  encodedMillisecond = milliseconds;
  encodedTime = String.fromCharCode(...codes);
  return encodedTime;
}

/** Random bytes drawn 4 KiB at a time: an upload mints thousands of ids per chunk. */
const pool = new Uint8Array(4096);
let poolOffset = pool.length;
const randomCodes = new Array<number>(16);

function encodeRandom(): string {
  if (poolOffset + 16 > pool.length) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  for (let index = 0; index < 16; index++) {
    randomCodes[index] = ALPHABET_CODES[pool[poolOffset + index]! % 32]!;
  }
  poolOffset += 16;
  // One string from 16 character codes, rather than 16 concatenations.
  return String.fromCharCode(...randomCodes);
}
