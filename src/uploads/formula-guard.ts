// Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a
// formula; a leading apostrophe makes it text. The error report guards its cells that way, and a
// report uploaded again has the guard taken off, so that the values are the ones first sent.

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?\d+([.,]\d+)?$/;

/** The cell as the error report writes it. Plain numbers such as -12 stay as they are. */
export function guardFormula(cell: string): string {
  if (PLAIN_NUMBER.test(cell)) return cell;
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** The cell `guardFormula` was given, for a cell it wrote; any other cell as it is. */
export function unguardFormula(cell: string): string {
  if (cell.charCodeAt(0) !== 39) return cell;
  const guarded = cell.slice(1);
  return guardFormula(guarded) === cell ? guarded : cell;
}
