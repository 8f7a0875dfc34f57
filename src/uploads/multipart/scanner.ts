import { BodyReader } from '../body-reader';
import { findSequence, PendingBytes } from './bytes';
import { MultipartError } from './errors';
import { parsePartHeaders, type PartHeaders } from './part-headers';

/** A part's header block may be this long; real ones hold a few hundred bytes. */
const MAX_HEADER_BLOCK_BYTES = 16 * 1024;

const encoder = new TextEncoder();
const CRLF = encoder.encode('\r\n');
const HEADERS_END = encoder.encode('\r\n\r\n');
const CLOSE = encoder.encode('--');
const [CR, LF, SPACE, TAB] = [0x0d, 0x0a, 0x20, 0x09];

/** Bytes of the current part, in order; `last` when the part's delimiter came right after them. */
export interface ContentPiece {
  bytes: Uint8Array;
  last: boolean;
}

/**
 * Reads a multipart body (RFC 2046 section 5.1) one part at a time, pulling a chunk from the body
 * only when the bytes at hand cannot answer. Content is handed out as it is told apart from the
 * delimiter `\r\n--boundary`, so memory holds one chunk and a partial delimiter, whatever the
 * size of a part.
 */
export class PartScanner {
  private readonly reader: BodyReader;
  private readonly delimiter: Uint8Array;
  private readonly pending = new PendingBytes();
  /** Bytes taken from the body so far. */
  private bytesRead = 0;

  constructor(
    private readonly body: ReadableStream<Uint8Array>,
    boundary: string,
  ) {
    this.reader = new BodyReader(body);
    this.delimiter = encoder.encode(`\r\n--${boundary}`);
    // The first delimiter may open the body with no line break before it: supply one.
    this.pending.append(CRLF);
  }

  /**
   * The next bytes of the current part (or of the preamble before the first delimiter); null when
   * the body ends first. Only bytes that could begin a delimiter are held back.
   */
  async readContent(): Promise<ContentPiece | null> {
    for (;;) {
      const pending = this.pending.view();
      const at = findSequence(pending, this.delimiter);
      if (at !== -1 && at + this.delimiter.length <= pending.length) {
        const bytes = this.pending.take(at);
        this.pending.take(this.delimiter.length);
        return { bytes, last: true };
      }

      const undecided = at === -1 ? pending.length : at;
      if (undecided > 0) return { bytes: this.pending.take(undecided), last: false };
      if (!(await this.fill())) return null;
    }
  }

  /** Discards the rest of the current part; false when the body ends first. */
  async skipContent(): Promise<boolean> {
    for (let piece = await this.readContent(); piece; piece = await this.readContent()) {
      if (piece.last) return true;
    }
    return false;
  }

  /** After a delimiter: the headers of the part it opens, or null when it closes the body. */
  async readPartHeaders(): Promise<PartHeaders | null> {
    while (this.pending.length < CLOSE.length) await this.fillOrThrow();
    if (this.pending.startsWith(CLOSE)) return null;

    for (let from = 0; ; await this.fillOrThrow()) {
      const pending = this.pending.view();
      const at = findSequence(pending, HEADERS_END, from);
      const found = at !== -1 && at + HEADERS_END.length <= pending.length;
      const blockBytes = found ? at : pending.length - (HEADERS_END.length - 1);
      if (blockBytes > MAX_HEADER_BLOCK_BYTES) {
        throw new MultipartError(`a part's headers exceed ${MAX_HEADER_BLOCK_BYTES} bytes`);
      }

      if (found) {
        const block = this.pending.take(at);
        this.pending.take(HEADERS_END.length);
        return parsePartHeaders(block);
      }
      from = at === -1 ? pending.length : at;
    }
  }

  /**
   * After the delimiter that ends a part: checks the rest of its line (`--` when it closes the
   * body, else optional transport padding and CRLF) without reading into the next part. False
   * when the body ends first.
   */
  async checkDelimiterLine(): Promise<boolean> {
    for (let padding = 0; ;) {
      const pending = this.pending.view();
      if (this.pending.startsWith(CLOSE)) return true;

      while (pending[padding] === SPACE || pending[padding] === TAB) padding++;
      if (padding + 1 < pending.length) {
        if (pending[padding] === CR && pending[padding + 1] === LF) return true;
        throw new MultipartError('a boundary is followed by other text on its line');
      }
      if (padding > MAX_HEADER_BLOCK_BYTES) throw new MultipartError('a boundary line is too long');
      if (!(await this.fill())) return false;
    }
  }

  /**
   * Where in the body the first byte not consumed yet lies: after a part's headers, where its
   * content starts. (The line break supplied before the first delimiter goes with it.)
   */
  get position(): number {
    return this.bytesRead - this.pending.length;
  }

  /**
   * Once a part's content has been read to its delimiter and the scanner released: the
   * delimiter, then every byte of the body after it, to its end.
   */
  async *trailer(): AsyncGenerator<Uint8Array, void> {
    // A copy: the scanner keeps its own to search with.
    yield this.delimiter.slice();
    if (this.pending.length > 0) yield this.pending.take(this.pending.length);
    const rest = new BodyReader(this.body);
    try {
      for (let bytes = await rest.read(); bytes; bytes = await rest.read()) yield bytes;
    } finally {
      rest.release();
    }
  }

  /** Stops reading and leaves the rest of the body to its owner. */
  release(): void {
    this.reader.release();
  }

  /** Stops reading and cancels the body. */
  async cancel(reason: unknown): Promise<void> {
    // A body that failed rejects `cancel()` with the error that is already on its way up.
    await this.reader.cancel(reason).catch(() => undefined);
  }

  private async fill(): Promise<boolean> {
    const bytes = await this.reader.read();
    if (!bytes) return false;

    this.bytesRead += bytes.length;
    this.pending.append(bytes);
    return true;
  }

  private async fillOrThrow(): Promise<void> {
    if (!(await this.fill())) {
      throw new MultipartError('the multipart body ended before its closing boundary');
    }
  }
}
