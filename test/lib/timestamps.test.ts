import { describe, expect, it } from 'vitest';

import { parseTimestamp } from '../../src/lib/timestamps';

describe('parseTimestamp', () => {
  it.each([
    ['2026-05-12T14:32:00Z', '2026-05-12T14:32:00.000Z'],
    ['2026-05-12t14:32:00z', '2026-05-12T14:32:00.000Z'],
    ['2026-12-31T23:30:00-01:00', '2027-01-01T00:30:00.000Z'],
    ['2026-01-01T00:15:00+01:00', '2025-12-31T23:15:00.000Z'],
    ['2000-02-29T12:00:00Z', '2000-02-29T12:00:00.000Z'],
    ['2026-05-12T14:32:00.5Z', '2026-05-12T14:32:00.500Z'],
    [' 2026-05-12T14:32:00Z ', '2026-05-12T14:32:00.000Z'],
    ['2026-05-12 14:32Z', '2026-05-12T14:32:00.000Z'],
    ['2026-05-12T14:32:00.123456789+0130', '2026-05-12T13:02:00.123Z'],
    ['2026-05-12T14:32:09.07Z', '2026-05-12T14:32:09.070Z'],
    ['0001-01-01T00:30:00+01:00', '0000-12-31T23:30:00.000Z'],
  ])('reads %s as %s', (text, utc) => {
    expect(parseTimestamp(text)).toEqual({ ok: true, utc });
  });

  it.each([
    ['2026-05-12T14:32:00', 'missing_offset'],
    ['2026-05-12 14:32', 'missing_offset'],
    ['2026-05-12', 'invalid_format'],
    ['12/05/2026 14:32Z', 'invalid_format'],
    ['2026-05-12T14:32:00+2', 'invalid_format'],
    ['2026-05-12T14:32:00+02:0', 'invalid_format'],
    ['2026-05-12T14:32:00.Z', 'invalid_format'],
    ['2026-05-12T14:32:00.1234567890Z', 'invalid_format'],
    ['2026-05-12T14:32:00Z and more', 'invalid_format'],
    ['2026-5-12T14:32:00Z', 'invalid_format'],
    ['1900-02-29T00:00:00Z', 'impossible_date'],
    ['2026-04-31T00:00:00Z', 'impossible_date'],
    ['2026-13-01T00:00:00Z', 'impossible_date'],
    ['2026-05-12T14:60:00Z', 'impossible_date'],
    ['2026-05-12T14:32:60Z', 'impossible_date'],
    ['2026-05-12T14:32:00+12:60', 'impossible_date'],
  ])('refuses %s as %s', (text, problem) => {
    expect(parseTimestamp(text)).toEqual({ ok: false, problem });
  });
});
