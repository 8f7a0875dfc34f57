import { describe, expect, it } from 'vitest';

import { newId } from '../../src/lib/ids';

const CROCKFORD = '[0-9A-HJKMNP-TV-Z]';

describe('newId', () => {
  it('is the prefix and a ULID: ten characters of time, sixteen random', () => {
    expect(newId('task')).toMatch(new RegExp(`^task_${CROCKFORD}{26}$`));
    expect(newId('emp')).toMatch(new RegExp(`^emp_${CROCKFORD}{26}$`));
  });

  it('encodes the time as the ULID specification does', () => {
    // The specification's example: 01ARZ3NDEK is 1469922850259 ms after the epoch.
    expect(newId('task', 1469922850259).slice(5, 15)).toBe('01ARZ3NDEK');
    expect(newId('task', 0).slice(5, 15)).toBe('0000000000');
  });

  it('sorts ids by the time they were made, and gives ids of one millisecond the same time part', () => {
    const times = [1469922850259, 1469922850260, 1769922850259, 1469922850259];

    const ids = times.map((time) => newId('task', time));

    expect(ids.slice(0, 3)).toEqual([...ids.slice(0, 3)].sort());
    expect(ids[3]!.slice(5, 15)).toBe(ids[0]!.slice(5, 15));
  });

  it('never repeats itself within the same millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => newId('task', 1469922850259));

    expect(new Set(ids).size).toBe(ids.length);
  });
});
