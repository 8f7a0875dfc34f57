/**
 * RFC 3339 / ISO 8601 date-times that carry an offset: `T` or a space between date and
 * time, optional seconds and a fraction of up to 9 digits, then `Z` or `±HH:MM` (also `±HHMM`).
 * Every uploaded row has one, so it is read by scanning character codes: a regular expression
 * with its captures, and a Date for every instant, cost twice as much per row.
 */

/** Date-times without an offset, told apart only to explain why they are refused. */
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

const MAX_FRACTION_DIGITS = 9;

const CHAR = {
  zero: 48,
  hyphen: 45,
  plus: 43,
  colon: 58,
  dot: 46,
  space: 32,
  T: 84,
  t: 116,
  Z: 90,
  z: 122,
};

export type TimestampProblem = 'missing_offset' | 'invalid_format' | 'impossible_date';

export type ParsedTimestamp = { ok: true; utc: string } | { ok: false; problem: TimestampProblem };

/** The instant as UTC RFC 3339 with milliseconds; digits past the millisecond are dropped. */
export function parseTimestamp(input: string): ParsedTimestamp {
  const text = input.trim();
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  if (Math.min(year, month, day, hour, minute) < 0 || !hasDateTimePunctuation(text)) {
    return unreadable(text);
  }

  const time = readSecondsAndFraction(text, 16);
  if (!time) return unreadable(text);
  const offset = readOffset(text, time.end);
  if (offset === 'unreadable') return unreadable(text);
  if (offset === 'impossible') return impossible();
  if (!isRealDateTime(year, month, day, hour, minute, time.second)) return impossible();

  const { second, milliseconds } = time;
  // Already UTC: the text holds the answer, with zero-padded seconds and milliseconds.
  if (offset === 0) {
    const utc = `${text.slice(0, 10)}T${text.slice(11, 16)}:${pad(second, 2)}.${pad(milliseconds, 3)}Z`;
    return { ok: true, utc };
  }

  // setUTCFullYear, unlike Date.UTC, takes the years 0 to 99 as they are.
  const instant = new Date(0);
  instant.setUTCFullYear(year, month - 1, day);
  instant.setUTCHours(hour, minute - offset, second, milliseconds);
  return { ok: true, utc: instant.toISOString() };
}

function hasDateTimePunctuation(text: string): boolean {
  const separator = text.charCodeAt(10);
  return (
    text.charCodeAt(4) === CHAR.hyphen &&
    text.charCodeAt(7) === CHAR.hyphen &&
    (separator === CHAR.T || separator === CHAR.t || separator === CHAR.space) &&
    text.charCodeAt(13) === CHAR.colon
  );
}

/** `:SS` and `.fraction`, both optional, from `start`; null if malformed. */
function readSecondsAndFraction(text: string, start: number) {
  if (text.charCodeAt(start) !== CHAR.colon) {
    return { second: 0, milliseconds: 0, end: start };
  }
  const second = digitsAt(text, start + 1, 2);
  if (second < 0) return null;
  if (text.charCodeAt(start + 3) !== CHAR.dot) {
    return { second, milliseconds: 0, end: start + 3 };
  }

  const fractionStart = start + 4;
  let end = fractionStart;
  while (end - fractionStart < MAX_FRACTION_DIGITS && isDigit(text.charCodeAt(end))) end++;
  const fractionDigits = end - fractionStart;
  if (fractionDigits === 0) return null;
  const kept = Math.min(fractionDigits, 3);
  const milliseconds = digitsAt(text, fractionStart, kept) * 10 ** (3 - kept);
  return { second, milliseconds, end };
}

/** The offset east of UTC in minutes, from `start` to the end of the text. */
function readOffset(text: string, start: number): number | 'unreadable' | 'impossible' {
  const sign = text.charCodeAt(start);
  if (sign === CHAR.Z || sign === CHAR.z) return start + 1 === text.length ? 0 : 'unreadable';
  if (sign !== CHAR.plus && sign !== CHAR.hyphen) return 'unreadable';

  const colon = text.charCodeAt(start + 3) === CHAR.colon ? 1 : 0;
  const hours = digitsAt(text, start + 1, 2);
  const minutes = digitsAt(text, start + 3 + colon, 2);
  if (hours < 0 || minutes < 0 || start + 5 + colon !== text.length) return 'unreadable';
  if (hours > 23 || minutes > 59) return 'impossible';
  return (sign === CHAR.hyphen ? -1 : 1) * (hours * 60 + minutes);
}

/** The decimal number written by `count` digits at `start`, or -1 if any is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let index = start; index < start + count; index++) {
    const code = text.charCodeAt(index);
    if (!isDigit(code)) return -1;
    value = value * 10 + code - CHAR.zero;
  }
  return value;
}

function isDigit(code: number): boolean {
  return code >= CHAR.zero && code <= CHAR.zero + 9;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function unreadable(text: string): ParsedTimestamp {
  return { ok: false, problem: LOCAL_DATE_TIME.test(text) ? 'missing_offset' : 'invalid_format' };
}

function impossible(): ParsedTimestamp {
  return { ok: false, problem: 'impossible_date' };
}

function isRealDateTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): boolean {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  return hour <= 23 && minute <= 59 && second <= 59;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
