/**
 * The most of a refused row's cells its error report keeps, in bytes of their JSON as UTF-8.
 * D1 holds no text over 2,000,000 bytes, neither a bound parameter nor a stored row: this
 * leaves room for the rest of the row.
 */
export const MAX_REPORT_CELLS_BYTES = 1_500_000;

const encoder = new TextEncoder();

/**
 * A refused row's cells as its error report keeps them: cells past the header that are empty
 * are left out (they hold nothing, and a row of 800,000 commas would not fit), and the cells
 * are cut where their JSON would pass MAX_REPORT_CELLS_BYTES; `cut` then says so.
 */
export function reportCells(cells: string[], width: number): { cells: string[]; cut: boolean } {
  let end = cells.length;
  while (end > width && cells[end - 1] === '') end--;
  const kept = end === cells.length ? cells : cells.slice(0, end);
  if (fits(kept)) return { cells: kept, cut: false };

  // `[` and `]`, then each cell's JSON and a comma.
  let budget = MAX_REPORT_CELLS_BYTES - 2;
  const fitting: string[] = [];
  for (const cell of kept) {
    const bytes = jsonBytes(cell) + 1;
    if (bytes > budget) {
      fitting.push(longestPrefixWithin(cell, budget - 1));
      break;
    }
    fitting.push(cell);
    budget -= bytes;
  }
  return { cells: fitting, cut: true };
}

/** Bytes of the value's JSON as UTF-8. */
function jsonBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value)).length;
}

/** Whether the cells' JSON fits, without encoding it where its length alone proves it. */
function fits(cells: string[]): boolean {
  const units = JSON.stringify(cells).length;
  // A UTF-16 unit takes at most 3 bytes of UTF-8.
  return units * 3 <= MAX_REPORT_CELLS_BYTES || jsonBytes(cells) <= MAX_REPORT_CELLS_BYTES;
}

/** The longest start of `text` whose JSON takes at most `bytes`, never half a surrogate pair. */
function longestPrefixWithin(text: string, bytes: number): string {
  let [low, high] = [0, text.length];
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (jsonBytes(text.slice(0, middle)) <= bytes) low = middle;
    else high = middle - 1;
  }
  const last = text.charCodeAt(low - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? low - 1 : low);
}
