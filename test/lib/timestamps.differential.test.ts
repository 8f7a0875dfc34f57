import { describe, expect, it } from 'vitest';

import { parseTimestamp, type ParsedTimestamp } from '../../src/lib/timestamps';

/**
 * parseTimestamp shifts offsets with integer arithmetic; it must answer exactly as the Date-based
 * algorithm it replaced, which is kept below as the reference and fed many generated inputs.
 * The inputs come from a fixed seed, so that a failure reproduces; change SEED to explore more.
 */
const SEED = 20260501;

describe('parseTimestamp against the Date-based reference', () => {
  it('agrees on random date-times across the years 0000-9999 and every offset form', () => {
    const random = seededRandom(SEED);
    const inputs = Array.from({ length: 20_000 }, () => writeDateTime(randomDateTime(random)));

    const found = disagreements(inputs);

    expect(found).toEqual([]);
  });

  it('agrees on month ends, leap days and offsets that carry into another day or year', () => {
    const inputs = edgeDateTimes();

    const found = disagreements(inputs);
    const outcomes = inputs.map((input) => outcomeOf(parseTimestamp(input)));

    expect(found).toEqual([]);
    expect(outcomes).toContain('0000-01-01T00:00:00.000Z');
    expect(outcomes).toContain('9999-12-31T23:59:59.999Z');
    expect(outcomes).toContain('out_of_range');
  });

  it('agrees on malformed and impossible inputs', () => {
    const random = seededRandom(SEED + 1);
    const inputs = Array.from({ length: 20_000 }, () =>
      random.next() < 0.5 ? impossibleDateTime(random) : mistyped(random, randomDateTime(random)),
    );

    const found = disagreements(inputs);
    const kinds = new Set(inputs.map((input) => kindOf(parseTimestamp(input))));

    expect(found).toEqual([]);
    expect(kinds).toEqual(new Set(['ok', 'missing_offset', 'invalid_format', 'impossible_date']));
  });
});

/** The first few inputs on which parseTimestamp and the reference answer differently. */
function disagreements(inputs: string[]) {
  const found: { input: string; expected: string; actual: string }[] = [];
  for (const input of inputs) {
    const expected = outcomeOf(referenceParse(input));
    const actual = outcomeOf(parseTimestamp(input));
    if (actual !== expected) found.push({ input, expected, actual });
    if (found.length === 5) break;
  }
  return found;
}

function outcomeOf(result: ParsedTimestamp): string {
  return result.ok ? result.utc : result.problem;
}

function kindOf(result: ParsedTimestamp): string {
  return result.ok ? 'ok' : result.problem;
}

// The reference: a regular expression accepts what parseTimestamp's scanner accepts, the Date
// calendar decides which dates exist, and a Date applies the offset, as parseTimestamp used to.

const RFC_3339 = new RegExp(
  [
    String.raw`^(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})[Tt ](?<hour>\d{2}):(?<minute>\d{2})`,
    String.raw`(?::(?<second>\d{2})(?:\.(?<fraction>\d+))?)?`,
    String.raw`(?:[Zz]|(?<sign>[+-])(?<offsetHours>\d{2}):?(?<offsetMinutes>\d{2}))$`,
  ].join(''),
);
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

function referenceParse(input: string): ParsedTimestamp {
  const text = input.trim();
  const groups = RFC_3339.exec(text)?.groups;
  if (!groups) {
    return { ok: false, problem: LOCAL_DATE_TIME.test(text) ? 'missing_offset' : 'invalid_format' };
  }

  const number = (name: string) => Number(groups[name] ?? '0');
  const [year, month, day] = [number('year'), number('month'), number('day')];
  const [hour, minute, second] = [number('hour'), number('minute'), number('second')];
  const [offsetHours, offsetMinutes] = [number('offsetHours'), number('offsetMinutes')];
  if (offsetHours > 23 || offsetMinutes > 59 || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, problem: 'impossible_date' };
  }

  // setUTCFullYear, unlike Date.UTC, takes the years 0 to 99 as they are.
  const instant = new Date(0);
  instant.setUTCFullYear(year, month - 1, day);
  if (instant.getUTCMonth() !== month - 1 || instant.getUTCDate() !== day) {
    return { ok: false, problem: 'impossible_date' };
  }

  const offset = (groups.sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  const milliseconds = Number((groups.fraction ?? '').slice(0, 3).padEnd(3, '0'));
  instant.setUTCHours(hour, minute - offset, second, milliseconds);
  const utcYear = instant.getUTCFullYear();
  if (utcYear < 0 || utcYear > 9999) return { ok: false, problem: 'out_of_range' };
  return { ok: true, utc: instant.toISOString() };
}

// The inputs.

type Random = ReturnType<typeof seededRandom>;

/** mulberry32, a small and well-known generator: the same seed gives the same numbers anywhere. */
function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
  const integer = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(choices: readonly T[]): T => choices[integer(0, choices.length - 1)]!;
  return { next, integer, pick };
}

/** Centuries, leap and common years, and the first and last years that can be written. */
const EDGE_YEARS = [0, 1, 4, 99, 100, 400, 1900, 1970, 2000, 2023, 2024, 9999];
const EDGE_TIMES = ['00:00', '00:00:00.001', '12:00:30', '23:59', '23:59:59.999999999'];
const EDGE_OFFSETS = ['Z', '+00:01', '-00:01', '+05:30', '-12:00', '+23:59', '-2359'];
const WHITE_SPACE = [' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\ufeff'];
const TYPED_CHARACTERS = [...'0123456789-:+.TtZz /'];

/** A date-time in the pieces it is written in, so that a test can spoil any one of them. */
type DateTimePieces = {
  year: string;
  month: string;
  day: string;
  separator: string;
  hour: string;
  minute: string;
  seconds: string;
  offset: string;
  leading: string;
  trailing: string;
};

function writeDateTime(pieces: DateTimePieces): string {
  const { year, month, day, separator, hour, minute, seconds, offset } = pieces;
  const dateTime = `${year}-${month}-${day}${separator}${hour}:${minute}${seconds}${offset}`;
  return pieces.leading + dateTime + pieces.trailing;
}

/** A valid date-time; first and last days, hours and minutes come up more often than by chance. */
function randomDateTime(random: Random): DateTimePieces {
  const year = random.next() < 0.25 ? random.pick(EDGE_YEARS) : random.integer(0, 9999);
  const month = random.integer(1, 12);
  const lastDay = daysInMonth(year, month);
  const day = random.next() < 0.3 ? random.pick([1, lastDay]) : random.integer(1, lastDay);
  const hour = random.next() < 0.2 ? random.pick([0, 23]) : random.integer(0, 23);
  const minute = random.next() < 0.2 ? random.pick([0, 59]) : random.integer(0, 59);
  const padded = random.next() < 0.2;

  return {
    year: digits(year, 4),
    month: digits(month, 2),
    day: digits(day, 2),
    separator: random.pick(['T', 't', ' ']),
    hour: digits(hour, 2),
    minute: digits(minute, 2),
    seconds: randomSeconds(random),
    offset: randomOffset(random),
    leading: padded ? random.pick(WHITE_SPACE) : '',
    trailing: padded ? random.pick(WHITE_SPACE) : '',
  };
}

/** Nothing, `:SS`, or `:SS` with a fraction of 1 to 12 digits. */
function randomSeconds(random: Random): string {
  const form = random.integer(0, 3);
  if (form === 0) return '';
  const second = `:${digits(random.integer(0, 59), 2)}`;
  if (form === 1) return second;
  const fractionDigits = random.integer(1, 12);
  const fraction = Array.from({ length: fractionDigits }, () => random.integer(0, 9)).join('');
  return `${second}.${fraction}`;
}

function randomOffset(random: Random): string {
  const form = random.pick(['Z', 'z', '+HH:MM', '-HH:MM', '+HHMM', '-HHMM']);
  const hours = random.next() < 0.2 ? random.pick([0, 23]) : random.integer(0, 23);
  const minutes = random.next() < 0.2 ? random.pick([0, 59]) : random.integer(0, 59);
  return form.replace('HH', digits(hours, 2)).replace('MM', digits(minutes, 2));
}

/** A date-time with a piece out of its range, such as 24:00, or on a February 29th. */
function impossibleDateTime(random: Random): string {
  const pieces = randomDateTime(random);
  const lastDay = daysInMonth(Number(pieces.year), Number(pieces.month));
  const spoiled: Partial<DateTimePieces> = random.pick([
    { month: random.pick(['00', '13', '99']) },
    { day: random.pick(['00', digits(lastDay + 1, 2), '32', '99']) },
    { month: '02', day: '29' },
    { hour: random.pick(['24', '99']) },
    { minute: random.pick(['60', '99']) },
    { seconds: random.pick([':60', ':99.5']) },
    { offset: random.pick(['+24:00', '-00:60', '+9999', '-24:30']) },
  ]);
  return writeDateTime({ ...pieces, ...spoiled });
}

/** The date-time with one character left out, added, replaced, or everything after it cut. */
function mistyped(random: Random, pieces: DateTimePieces): string {
  const text = writeDateTime(pieces);
  const at = random.integer(0, text.length - 1);
  const typed = random.pick(TYPED_CHARACTERS);
  const mistakes = [
    text.slice(0, at) + text.slice(at + 1),
    text.slice(0, at) + typed + text.slice(at),
    text.slice(0, at) + typed + text.slice(at + 1),
    text.slice(0, at),
  ];
  return random.pick(mistakes);
}

/** Each month's first days and last days, and the days past its end, at times near midnight. */
function edgeDateTimes(): string[] {
  const inputs: string[] = [];
  for (const year of EDGE_YEARS) {
    for (let month = 1; month <= 12; month++) {
      for (const day of [1, 28, 29, 30, 31]) {
        const date = `${digits(year, 4)}-${digits(month, 2)}-${digits(day, 2)}`;
        for (const time of EDGE_TIMES) {
          for (const offset of EDGE_OFFSETS) inputs.push(`${date}T${time}${offset}`);
        }
      }
    }
  }
  return inputs;
}

/** The length of the month by the Date calendar: day 0 of the next month is its last day. */
function daysInMonth(year: number, month: number): number {
  const lastDay = new Date(0);
  lastDay.setUTCFullYear(year, month, 0);
  return lastDay.getUTCDate();
}

function digits(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
