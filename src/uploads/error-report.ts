import { listRowErrors } from './row-errors-repository';
import type { Upload } from './upload';

const PAGE_ROWS = 1_000;

/**
 * The refused rows as a CSV to fix and upload again: the original header and cells plus an
 * `error` column (remove it before uploading). Streamed page by page from D1.
 */
export function errorReportCsv(db: D1Database, upload: Upload): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const width = upload.header.length;
  let afterRow = 0;
  let headerSent = false;

  return new ReadableStream({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvLine([...upload.header, 'error'])));
        return;
      }

      const errors = await listRowErrors(db, upload.id, afterRow, PAGE_ROWS);
      const lines = errors.map((error) => {
        const cells = Array.from({ length: width }, (_, index) => error.cells[index] ?? '');
        return csvLine([...cells, ...error.cells.slice(width), error.message]);
      });
      if (lines.length > 0) controller.enqueue(encoder.encode(lines.join('')));
      if (errors.length < PAGE_ROWS) controller.close();
      else afterRow = errors.at(-1)!.row;
    },
  });
}

function csvLine(cells: string[]): string {
  return `${cells.map((cell) => quote(neutralizeFormula(cell))).join(',')}\r\n`;
}

/**
 * Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
 * as a formula; a leading apostrophe makes it text. Plain numbers such as -12 stay as they are.
 */
export function neutralizeFormula(cell: string): string {
  if (/^[-+]?\d+([.,]\d+)?$/.test(cell)) return cell;
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) || cell !== cell.trim() ? `"${cell.replace(/"/g, '""')}"` : cell;
}
