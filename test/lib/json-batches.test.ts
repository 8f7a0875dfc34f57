import { describe, expect, it } from 'vitest';

import { toJsonBatches } from '../../src/lib/json-batches';

const rowsOf = (count: number, text = 'x') =>
  Array.from({ length: count }, (_, index) => [index, text]);

describe('toJsonBatches', () => {
  it('writes nothing for no rows', () => {
    expect(toJsonBatches([])).toEqual([]);
  });

  it('puts at most 1,000 rows in one JSON array, keeping their order', () => {
    const rows = rowsOf(2_500);

    const batches = toJsonBatches(rows);

    expect(batches.map((json) => JSON.parse(json).length)).toEqual([1_000, 1_000, 500]);
    expect(batches.flatMap((json) => JSON.parse(json))).toEqual(rows);
  });

  it('halves a group until its JSON fits in one bound parameter', () => {
    // 1,000 rows of 2,000 characters: 2 million units, far over the 600,000 allowed.
    const rows = rowsOf(1_000, 'y'.repeat(2_000));

    const batches = toJsonBatches(rows);

    expect(batches.length).toBeGreaterThan(3);
    expect(Math.max(...batches.map((json) => json.length))).toBeLessThanOrEqual(600_000);
    expect(batches.flatMap((json) => JSON.parse(json))).toEqual(rows);
  });

  it('sends a single row that is too long on its own, for D1 to refuse', () => {
    const row = [1, 'z'.repeat(700_000)];

    expect(toJsonBatches([row])).toEqual([JSON.stringify([row])]);
  });
});
