import { describe, expect, it } from 'vitest';

import { guardFormula, unguardFormula } from '../../src/uploads/formula-guard';

const CELLS = ['=SUM(A1)', '+1 555 0100', '-F4', '@handle', '\tindented', '\rx', '-12', '+3,5'];
const PLAIN = ['T-1', '', 'a=b', '12'];
const APOSTROPHES = ["'", "'quoted", "'-12", "''=x"];

describe('the error report formula guard', () => {
  it('makes every cell a spreadsheet would run start with an apostrophe, numbers aside', () => {
    expect(CELLS.map(guardFormula)).toEqual([
      "'=SUM(A1)",
      "'+1 555 0100",
      "'-F4",
      "'@handle",
      "'\tindented",
      "'\rx",
      '-12',
      '+3,5',
    ]);
  });

  it('gives a cell that starts with an apostrophe one more, and leaves other cells alone', () => {
    expect(APOSTROPHES.map(guardFormula)).toEqual(["''", "''quoted", "''-12", "'''=x"]);
    expect(PLAIN.map(guardFormula)).toEqual(PLAIN);
  });

  it('is taken off again exactly, whatever the cell', () => {
    const cells = [...CELLS, ...PLAIN, ...APOSTROPHES];

    expect(cells.map((cell) => unguardFormula(guardFormula(cell)))).toEqual(cells);
  });
});
