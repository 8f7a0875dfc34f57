import type { TaskInput } from '../tasks/schemas';
import type { CsvRecord } from '../uploads/csv/parser';
import type { RowReader } from '../uploads/rows';
import type { UploadRowError } from '../uploads/upload';

/** Where the next unread record starts, in bytes, physical lines and spreadsheet rows. */
export interface Position {
  offset: number;
  line: number;
  row: number;
}

/** Rows read since the last commit: the valid ones as tasks, the others as row errors. */
export class Chunk {
  readonly tasks: TaskInput[] = [];
  readonly errors: UploadRowError[] = [];

  constructor(
    private readonly rows: RowReader,
    public position: Position,
  ) {}

  /** Rows read into this chunk: each one is either a task or a row error. */
  get size(): number {
    return this.tasks.length + this.errors.length;
  }

  add(record: CsvRecord): void {
    // Blank lines are skipped by the parser, but a spreadsheet shows them as rows.
    const row = this.position.row + (record.line - this.position.line);
    this.position = { offset: record.nextOffset, line: record.nextLine, row: row + 1 };
    // A row of empty cells (",,,," from a spreadsheet) is a blank line in disguise.
    if (record.cells.every((cell) => cell === '')) return;

    const result = record.problem
      ? {
          ok: false as const,
          error: {
            code: 'malformed_row',
            field: null,
            message: `The quoting is malformed: ${record.problem}.`,
          },
        }
      : this.rows.read(record.cells);
    if (result.ok) {
      this.tasks.push(result.task);
      return;
    }

    const externalId = this.rows.externalIdOf(record.cells);
    this.errors.push({ row, line: record.line, externalId, ...result.error, cells: record.cells });
  }
}
