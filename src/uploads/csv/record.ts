import { ByteBuffer } from './byte-buffer';
import { asciiText, decodeCells, sliceCells, type FieldBounds } from './cells';
import { CsvError } from './errors';

/** One CSV record and where it sits in the file, so that a later read can resume after it. */
export interface CsvRecord {
  cells: string[];
  /** Absolute byte offset where the record starts. */
  offset: number;
  /** Absolute byte offset just after its line terminator (or the end of the file). */
  nextOffset: number;
  /** Physical line where the record starts (1-based; quoted line breaks count). */
  line: number;
  /** Physical line where the following record starts. */
  nextLine: number;
  /** Set when the quoting was malformed and the record was read as well as it could be. */
  problem?: string;
}

/** Whether every cell is empty: `,,,,` is how a spreadsheet exports a blank row. */
export function hasOnlyEmptyCells(cells: string[]): boolean {
  for (const cell of cells) if (cell !== '') return false;
  return true;
}

/**
 * The record being read: where its fields lie and, when it spans chunks, its bytes from the
 * earlier ones. It is decoded once its line ends, so memory holds at most one record.
 */
export class RecordBuilder {
  private readonly spill = new ByteBuffer();
  private readonly bounds: FieldBounds = { values: [], length: 0 };
  private hasDoubledQuotes = false;
  private problem: string | undefined;
  private cells: string[] | null = null;
  /** The text of the last chunk a record ended in, if it is all ASCII (see `asciiText`). */
  private chunkText: { chunk: Uint8Array; text: string | null } = {
    chunk: new Uint8Array(0),
    text: null,
  };

  constructor(
    /** Absolute byte offset where the record starts. */
    public offset: number,
    public line: number,
    private readonly maxBytes: number,
  ) {}

  get fieldCount(): number {
    return this.bounds.length / 3;
  }

  /** A field from `start` to `end`; `closingQuote` is -1 for an unquoted one. */
  addField(start: number, closingQuote: number, end: number): void {
    const bounds = this.bounds;
    bounds.values[bounds.length++] = start;
    bounds.values[bounds.length++] = closingQuote;
    bounds.values[bounds.length++] = end;
  }

  noteDoubledQuote(): void {
    this.hasDoubledQuotes = true;
  }

  /** Keeps the first problem only: later ones usually follow from it. */
  noteProblem(problem: string): void {
    this.problem ??= problem;
  }

  /** Keeps the record's bytes in a chunk that ends before the record does. */
  keep(chunk: Uint8Array, chunkOffset: number): void {
    this.spill.append(chunk.subarray(Math.max(this.offset - chunkOffset, 0)));
  }

  /** Decodes the cells once the line ended, at `end` in the current chunk. */
  decode(chunk: Uint8Array, chunkOffset: number, end: number): void {
    if (this.fieldCount === 0) return;

    // A record within one chunk of ASCII text is sliced from that text, decoded once per chunk.
    if (this.spill.length === 0 && end > chunkOffset) {
      const text = this.textOf(chunk);
      if (text !== null) {
        this.cells = sliceCells(text, chunkOffset, this.bounds, this.hasDoubledQuotes);
        return;
      }
    }

    let bytes = chunk.subarray(Math.max(this.offset - chunkOffset, 0), end - chunkOffset);
    if (this.spill.length > 0) {
      this.spill.append(bytes);
      bytes = this.spill.view();
    }
    this.cells = decodeCells(bytes, this.offset, this.line, this.bounds, this.hasDoubledQuotes);
  }

  /** A chunk's text is decoded once, by the first record that ends in it. */
  private textOf(chunk: Uint8Array): string | null {
    if (this.chunkText.chunk !== chunk) this.chunkText = { chunk, text: asciiText(chunk) };
    return this.chunkText.text;
  }

  /** The decoded record (none for a blank line); the builder moves on to the next one. */
  complete(nextOffset: number, nextLine: number): CsvRecord | null {
    let record: CsvRecord | null = null;
    if (this.cells) {
      this.checkSize(nextOffset);
      record = { cells: this.cells, offset: this.offset, nextOffset, line: this.line, nextLine };
      if (this.problem) record.problem = this.problem;
    }

    this.offset = nextOffset;
    this.line = nextLine;
    this.spill.clear();
    this.bounds.length = 0;
    this.hasDoubledQuotes = false;
    this.problem = undefined;
    this.cells = null;
    return record;
  }

  /** A record must fit in memory: a quote that is never closed would swallow the whole file. */
  checkSize(end: number): void {
    if (end - this.offset <= this.maxBytes) return;

    throw new CsvError(
      'record_too_large',
      `The record that starts on line ${this.line} is larger than ${this.maxBytes} bytes: does it open a quote that is never closed?`,
      this.offset,
      this.line,
    );
  }
}
