import { mapColumns } from './columns';
import { guardFormula } from './formula-guard';
import { listRowErrors } from './row-errors-repository';
import type { Upload } from './upload';

const PAGE_ROWS = 1_000;

/**
 * The refused rows as a CSV to fix and upload again as it is: an `error` column first, then the
 * original header and cells, so that cells past the header's width (a `too_many_cells` row)
 * trail the row instead of pushing the error under another column. The `error` column of a
 * report that was itself uploaded is left out: it is replaced. Header names are written trimmed,
 * as the upload read them, and unguarded: a usable name never starts like a formula, and a
 * guard there would make the report's header unusable. Streamed page by page from D1.
 */
export function errorReportCsv(db: D1Database, upload: Upload): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const width = upload.header.length;
  const header = upload.header.map((name) => name.trim());
  const columns = mapColumns(upload.header);
  // A report's own error column is always its first (see `ColumnMap.reportError`).
  const isReport = columns.ok && columns.columns.reportError !== null;
  const withoutPreviousError = (cells: string[]) => (isReport ? cells.slice(1) : cells);
  let afterRow = 0;
  let headerSent = false;

  return new ReadableStream({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvLine(['error', ...withoutPreviousError(header)])));
        return;
      }

      const errors = await listRowErrors(db, upload.id, afterRow, PAGE_ROWS);
      const lines = errors.map((error) => {
        const cells = Array.from({ length: width }, (_, index) => error.cells[index] ?? '');
        const row = [...withoutPreviousError(cells), ...error.cells.slice(width)];
        return csvLine([error.message, ...row].map(guardFormula));
      });
      if (lines.length > 0) controller.enqueue(encoder.encode(lines.join('')));
      if (errors.length < PAGE_ROWS) controller.close();
      else afterRow = errors.at(-1)!.row;
    },
  });
}

function csvLine(cells: string[]): string {
  return `${cells.map(quote).join(',')}\r\n`;
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) || cell !== cell.trim() ? `"${cell.replace(/"/g, '""')}"` : cell;
}
