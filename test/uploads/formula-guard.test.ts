import { describe, expect, it } from 'vitest';

import { guardFormula, unguardFormula } from '../../src/uploads/formula-guard';

const CELLS = ['=SUM(A1)', '+1 555 0100', '-F4', '@handle', '\tindented', '\rx', '-12', '+3,5'];
const PLAIN = ['T-1', '', "'", "'quoted", "'-12", "''=x", 'a=b'];

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

  it('is taken off again exactly, and leaves every other cell alone', () => {
    const cells = [...CELLS, ...PLAIN];

    expect(cells.map((cell) => unguardFormula(guardFormula(cell)))).toEqual(cells);
    expect(PLAIN.map(unguardFormula)).toEqual(PLAIN);
  });
});
