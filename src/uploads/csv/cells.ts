import { CsvError } from './errors';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Where one record's fields lie, as absolute byte offsets, three numbers per field: its start,
 * its closing quote (-1 when unquoted; its end when a quote was never closed) and its end.
 * The first `length` values are the record's: the array is reused from record to record, since
 * emptying an array gives its storage back and every record then grew it again.
 */
export interface FieldBounds {
  values: number[];
  length: number;
}

/**
 * The cells of one record. The record is decoded once and its fields sliced from the text: one
 * decoder call per field cost more than the scanning itself. (Records within a chunk that is all
 * ASCII skip even that: see `asciiText`.)
 */
export function decodeCells(
  bytes: Uint8Array,
  recordOffset: number,
  recordLine: number,
  bounds: FieldBounds,
  hasDoubledQuotes: boolean,
): string[] {
  const text = decodeRecord(bytes, recordOffset, recordLine);
  // Only ASCII text has as many UTF-16 units as bytes: byte offsets are then text indices.
  if (text.length === bytes.length) return sliceCells(text, recordOffset, bounds, hasDoubledQuotes);

  const indices = toTextIndices(bytes, bounds, recordOffset);
  return cellsAt(text, (k) => indices[k]!, bounds, hasDoubledQuotes);
}

/**
 * The text of a chunk of the file when it is all ASCII, else null: its byte offsets are then
 * indices into the text, so the records within it need no decoding of their own.
 */
export function asciiText(chunk: Uint8Array): string | null {
  try {
    const text = decoder.decode(chunk);
    return text.length === chunk.length ? text : null;
  } catch {
    // Invalid UTF-8, or a character cut at the chunk's end: its records are decoded one by one.
    return null;
  }
}

/**
 * The cells of a record in ASCII `text` whose first byte lies at `textOffset` in the file:
 * the field bounds, absolute byte offsets, are indices into it once shifted.
 */
export function sliceCells(
  text: string,
  textOffset: number,
  bounds: FieldBounds,
  hasDoubledQuotes: boolean,
): string[] {
  return cellsAt(text, (k) => bounds.values[k]! - textOffset, bounds, hasDoubledQuotes);
}

function cellsAt(
  text: string,
  at: (k: number) => number,
  bounds: FieldBounds,
  hasDoubledQuotes: boolean,
): string[] {
  const cells = new Array<string>(bounds.length / 3);
  for (let field = 0; field < bounds.length; field += 3) {
    const start = at(field);
    const end = at(field + 2);
    if (bounds.values[field + 1]! < 0) {
      cells[field / 3] = text.slice(start, end);
      continue;
    }

    // A quoted field: the text between the quotes, `""` as `"`, then any text after them.
    const close = at(field + 1);
    const quoted = text.slice(start + 1, close);
    const unquoted = hasDoubledQuotes ? quoted.replaceAll('""', '"') : quoted;
    cells[field / 3] = close + 1 < end ? unquoted + text.slice(close + 1, end) : unquoted;
  }
  return cells;
}

function decodeRecord(bytes: Uint8Array, offset: number, line: number): string {
  try {
    return decoder.decode(bytes);
  } catch (error) {
    throw new CsvError(
      'invalid_utf8',
      `The file is not valid UTF-8: invalid bytes in the record at byte ${offset} (line ${line})`,
      offset,
      line,
      { cause: error },
    );
  }
}

/**
 * Maps the field bounds of a record in valid UTF-8 to indices into its text: a character of
 * 1-3 bytes is one UTF-16 unit, one of 4 bytes is two. (A closing quote of -1 maps to nonsense,
 * but is never read.)
 */
function toTextIndices(bytes: Uint8Array, bounds: FieldBounds, recordOffset: number): number[] {
  const indices = new Array<number>(bounds.length);
  let units = 0;
  let position = 0;

  for (let k = 0; k < bounds.length; k++) {
    const offset = bounds.values[k]! - recordOffset;
    for (; position < offset; position++) {
      const byte = bytes[position]!;
      if ((byte & 0xc0) !== 0x80) units += byte >= 0xf0 ? 2 : 1;
    }
    indices[k] = units;
  }
  return indices;
}
