import { RecordBuilder, type CsvRecord } from './record';

const COMMA = 0x2c;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const BOM = [0xef, 0xbb, 0xbf];

// Where the scanner stands between two bytes.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** Just after a quote inside a quoted field: a closing quote, or the first of a `""`? */
const QUOTE_IN_QUOTED = 3;
/** A record ended with `\r`; a `\n` right after it belongs to the same terminator. */
const AFTER_CR = 4;

/**
 * An RFC 4180 scanner over bytes. The delimiters are ASCII and never occur inside a multi-byte
 * UTF-8 sequence, so chunks can be cut anywhere: a record is decoded once its line ends.
 */
export class CsvScanner {
  private state = FIELD_START;
  private bomProbe: Uint8Array | null;
  /** Absolute offset of the current chunk's first byte. */
  private position: number;
  private line: number;
  private lastByte = 0;
  private readonly record: RecordBuilder;
  private fieldOffset = 0;
  private closingQuoteOffset = -1;

  constructor(start: { offset: number; line: number }, maxRecordBytes: number) {
    this.position = start.offset;
    this.line = start.line;
    this.record = new RecordBuilder(start.offset, start.line, maxRecordBytes);
    this.bomProbe = start.offset === 0 ? new Uint8Array(0) : null;
  }

  /** Scans one chunk, adding the records it completes to `records`. */
  push(chunk: Uint8Array, records: CsvRecord[]): void {
    if (this.bomProbe) {
      chunk = this.skipBom(chunk, false);
      if (this.bomProbe) return;
    }

    let i = 0;
    while (i < chunk.length) {
      if (this.state === FIELD_START) i = this.startField(chunk, i, records);
      else if (this.state === UNQUOTED) i = this.scanUnquoted(chunk, i, records);
      else if (this.state === QUOTED) i = this.scanQuoted(chunk, i);
      else if (this.state === QUOTE_IN_QUOTED) i = this.afterQuote(chunk, i, records);
      else i = this.afterCr(chunk, i, records);
    }

    const midLine =
      this.state === FIELD_START ? this.record.fieldCount > 0 : this.state !== AFTER_CR;
    if (midLine) this.record.keep(chunk, this.position);
    this.position += chunk.length;
    this.lastByte = chunk[chunk.length - 1] ?? this.lastByte;
    this.record.checkSize(this.position);
  }

  /** Ends the file, adding its last record if that had no line terminator. */
  finish(records: CsvRecord[]): void {
    if (this.bomProbe) this.push(this.skipBom(new Uint8Array(0), true), records);
    const end = this.position;
    if (this.state === AFTER_CR) return this.endRecord(end, records);

    if (this.state === QUOTED) {
      const field = this.record.fieldCount + 1;
      this.record.noteProblem(`the quote that opens field ${field} is never closed`);
      this.closingQuoteOffset = end;
    }
    if (this.state === QUOTE_IN_QUOTED) this.closingQuoteOffset = end - 1;

    if (this.state !== FIELD_START) {
      this.record.addField(this.fieldOffset, this.closingQuoteOffset, end);
    } else if (this.record.fieldCount > 0) {
      this.record.addField(end, -1, end); // `a,` at the very end: a last, empty field
    }
    this.record.decode(new Uint8Array(0), end, end);
    this.endRecord(end, records);
  }

  /** Drops a byte-order mark at the very start of the file, even one split across chunks. */
  private skipBom(chunk: Uint8Array, final: boolean): Uint8Array {
    const head = concat(this.bomProbe!, chunk);
    if (head.length < BOM.length && !final) {
      this.bomProbe = head;
      return chunk.subarray(chunk.length);
    }

    this.bomProbe = null;
    if (!BOM.every((byte, index) => head[index] === byte)) return head;
    this.position = this.record.offset = BOM.length;
    return head.subarray(BOM.length);
  }

  private startField(chunk: Uint8Array, i: number, records: CsvRecord[]): number {
    const byte = chunk[i];
    const offset = this.position + i;

    if (byte === COMMA) {
      this.record.addField(offset, -1, offset);
      return i + 1;
    }
    if (byte === LF || byte === CR) {
      // After a comma the line ends with an empty field; alone on its line it is a blank line.
      if (this.record.fieldCount > 0) this.record.addField(offset, -1, offset);
      return this.endLine(chunk, i, records);
    }

    this.fieldOffset = offset;
    this.closingQuoteOffset = -1;
    this.state = byte === QUOTE ? QUOTED : UNQUOTED;
    return i + 1;
  }

  private scanUnquoted(chunk: Uint8Array, i: number, records: CsvRecord[]): number {
    let end = i;
    while (end < chunk.length) {
      const byte = chunk[end];
      if (byte === COMMA || byte === LF || byte === CR) break;
      end++;
    }
    if (end === chunk.length) return end;

    return this.endField(chunk, end, records);
  }

  private scanQuoted(chunk: Uint8Array, i: number): number {
    let end = i;
    while (end < chunk.length) {
      const byte = chunk[end]!;
      if (byte === QUOTE) break;
      if (byte === CR) this.line++;
      else if (byte === LF && (end > 0 ? chunk[end - 1] : this.lastByte) !== CR) this.line++;
      end++;
    }
    if (end === chunk.length) return end;

    this.state = QUOTE_IN_QUOTED;
    return end + 1;
  }

  private afterQuote(chunk: Uint8Array, i: number, records: CsvRecord[]): number {
    const byte = chunk[i];
    if (byte === QUOTE) {
      this.record.noteDoubledQuote();
      this.state = QUOTED;
      return i + 1;
    }

    this.closingQuoteOffset = this.position + i - 1;
    if (byte === COMMA || byte === LF || byte === CR) return this.endField(chunk, i, records);

    // `"ab"c`: keep the text, as a spreadsheet would, and say the record looked odd.
    const field = this.record.fieldCount + 1;
    this.record.noteProblem(`field ${field} has text after its closing quote`);
    this.state = UNQUOTED;
    return i;
  }

  private afterCr(chunk: Uint8Array, i: number, records: CsvRecord[]): number {
    this.state = FIELD_START;
    if (chunk[i] === LF) {
      this.endRecord(this.position + i + 1, records);
      return i + 1;
    }

    this.endRecord(this.position + i, records);
    return i;
  }

  /** The separator or line terminator at `i` ends a field. */
  private endField(chunk: Uint8Array, i: number, records: CsvRecord[]): number {
    this.record.addField(this.fieldOffset, this.closingQuoteOffset, this.position + i);
    if (chunk[i] !== COMMA) return this.endLine(chunk, i, records);

    this.state = FIELD_START;
    return i + 1;
  }

  /** The line terminator at `i` ends the record; after a `\r`, a `\n` may follow. */
  private endLine(chunk: Uint8Array, i: number, records: CsvRecord[]): number {
    this.line++;
    this.record.decode(chunk, this.position, this.position + i);
    if (chunk[i] === CR) {
      this.state = AFTER_CR;
      return i + 1;
    }

    this.state = FIELD_START;
    this.endRecord(this.position + i + 1, records);
    return i + 1;
  }

  private endRecord(nextOffset: number, records: CsvRecord[]): void {
    const record = this.record.complete(nextOffset, this.line);
    if (record) records.push(record);
  }
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array {
  if (head.length === 0) return tail;

  const joined = new Uint8Array(head.length + tail.length);
  joined.set(head);
  joined.set(tail, head.length);
  return joined;
}
