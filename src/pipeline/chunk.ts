import type { TaskInput } from '../tasks/schemas';
import { hasOnlyEmptyCells, type CsvRecord } from '../uploads/csv/parser';
import { reportCells } from '../uploads/report-cells';
import type { RowReader } from '../uploads/rows';
import type { UploadRowError } from '../uploads/upload';

/** Where the next unread record starts, in bytes, physical lines and spreadsheet rows. */
export interface Position {
  offset: number;
  line: number;
  row: number;
}

/**
 * Bytes of records after which a chunk is committed, however few rows it holds: its tasks and
 * refused rows (which keep their cells) stay in memory until then, within a Worker's 128 MB.
 */
export const MAX_CHUNK_BYTES = 8 * 1024 * 1024;

/** Rows read since the last commit: the valid ones as tasks, the others as row errors. */
export class Chunk {
  readonly tasks: TaskInput[] = [];
  readonly errors: UploadRowError[] = [];
  /** Bytes of the records read into this chunk. */
  private bytes = 0;
  private offset: number;
  private line: number;
  private row: number;

  constructor(
    private readonly rows: RowReader,
    start: Position,
  ) {
    ({ offset: this.offset, line: this.line, row: this.row } = start);
  }

  /** Where the record after this chunk's last one starts. */
  get position(): Position {
    return { offset: this.offset, line: this.line, row: this.row };
  }

  /** Rows read into this chunk: each one is either a task or a row error. */
  get size(): number {
    return this.tasks.length + this.errors.length;
  }

  /** Whether the chunk holds `rows` rows, or records of MAX_CHUNK_BYTES: time to commit it. */
  isFull(rows: number): boolean {
    return this.size >= rows || this.bytes >= MAX_CHUNK_BYTES;
  }

  add(record: CsvRecord): void {
    // Blank lines are skipped by the parser, but a spreadsheet shows them as rows.
    const row = this.row + (record.line - this.line);
    this.offset = record.nextOffset;
    this.line = record.nextLine;
    this.row = row + 1;
    this.bytes += record.nextOffset - record.offset;
    // A row of empty cells (",,,," from a spreadsheet) is a blank line in disguise.
    if (hasOnlyEmptyCells(record.cells)) return;

    const cells = this.rows.valuesOf(record.cells);
    const result = record.problem
      ? {
          ok: false as const,
          error: {
            code: 'malformed_row',
            field: null,
            message: `The quoting is malformed: ${record.problem}.`,
          },
        }
      : this.rows.read(cells);
    if (result.ok) {
      this.tasks.push(result.task);
      return;
    }

    const externalId = this.rows.externalIdOf(cells);
    const kept = reportCells(cells, this.rows.width);
    const message = kept.cut
      ? `${result.error.message} The error report keeps only the start of its cells: they are too long.`
      : result.error.message;
    this.errors.push({
      row,
      line: record.line,
      externalId,
      ...result.error,
      message,
      cells: kept.cells,
    });
  }
}
