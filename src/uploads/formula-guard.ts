// Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a
// formula; a leading apostrophe makes it text. The error report guards its cells that way, and a
// report uploaded again has the guard taken off, so that the values are the ones first sent. A
// cell that already starts with an apostrophe gets one more, so that taking one off is exact.

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?\d+([.,]\d+)?$/;

const APOSTROPHE = 39;

/** The cell as the error report writes it. Plain numbers such as -12 stay as they are. */
export function guardFormula(cell: string): string {
  if (cell.charCodeAt(0) === APOSTROPHE) return `'${cell}`;
  if (PLAIN_NUMBER.test(cell)) return cell;
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** The cell `guardFormula` was given: the report's apostrophe, if it wrote one, taken off. */
export function unguardFormula(cell: string): string {
  return cell.charCodeAt(0) === APOSTROPHE ? cell.slice(1) : cell;
}
