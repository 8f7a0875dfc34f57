import { describe, expect, it } from 'vitest';

import { MAX_REPORT_CELLS_BYTES, reportCells } from '../../src/uploads/report-cells';

const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

describe('the cells an error report keeps of a refused row', () => {
  it('are the row’s cells as they are when they fit, empty ones under the header included', () => {
    const cells = ['T-1', '', 'x', ''];

    expect(reportCells(cells, 4)).toEqual({ cells, cut: false });
  });

  it('leave out the empty cells past the header, but not a filled one or the empty ones before it', () => {
    const cells = ['T-1', 'E-1', '', 'extra', '', ...Array<string>(800_000).fill('')];

    expect(reportCells(cells, 3)).toEqual({ cells: ['T-1', 'E-1', '', 'extra'], cut: false });
  });

  it('are cut where their JSON would pass the bound, as a start of the same cells', () => {
    // Every quote takes two bytes of JSON: 900,000 of them pass 1.5 MB.
    const cells = ['T-1', '"'.repeat(900_000), 'after'];

    const kept = reportCells(cells, 3);

    expect(kept.cut).toBe(true);
    expect(kept.cells[0]).toBe('T-1');
    expect(cells[1]!.startsWith(kept.cells[1]!)).toBe(true);
    expect(kept.cells).toHaveLength(2);
    expect(jsonBytes(kept.cells)).toBeLessThanOrEqual(MAX_REPORT_CELLS_BYTES);
    expect(jsonBytes(kept.cells)).toBeGreaterThan(MAX_REPORT_CELLS_BYTES - 10);
  });

  it('never cut a character of two UTF-16 units in half', () => {
    const emoji = '🙂'.repeat(400_000);

    const kept = reportCells([emoji], 1);

    expect(kept.cut).toBe(true);
    expect(kept.cells[0]!.isWellFormed()).toBe(true);
    expect(emoji.startsWith(kept.cells[0]!)).toBe(true);
  });
});
