/**
 * RFC 3339 / ISO 8601 date-times that carry an offset: `T` or a space between date and
 * time, optional seconds and a fraction of any length, then `Z` or `±HH:MM` (also `±HHMM`).
 * The instant must fall within the years 0000 to 9999 in UTC, which RFC 3339 can write.
 * Every uploaded row has one, so it is read by scanning character codes and moved to UTC with
 * integer arithmetic: a regular expression with its captures cost twice as much per row, and a
 * Date for every instant with an offset three times as much.
 */

/** Date-times without an offset, told apart only to explain why they are refused. */
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/** Where the optional parts start: `:SS` right after `YYYY-MM-DDTHH:MM`, then `.fraction`. */
const SECONDS_COLON_AT = 16;
const FRACTION_DOT_AT = 19;

const MINUTES_PER_DAY = 24 * 60;

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

export type TimestampProblem =
  'missing_offset' | 'invalid_format' | 'impossible_date' | 'out_of_range';

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

  const timeEnd = endOfSecondsAndFraction(text);
  if (timeEnd < 0) return unreadable(text);
  const offset = readOffset(text, timeEnd);
  if (offset === 'unreadable') return unreadable(text);
  if (offset === 'impossible') return impossible();

  const second = timeEnd > SECONDS_COLON_AT ? digitsAt(text, SECONDS_COLON_AT + 1, 2) : 0;
  if (!isRealDateTime(year, month, day, hour, minute, second)) return impossible();

  // Minutes in UTC from the start of the written day. An offset is under a day, so the instant
  // falls on that day, or the day before (below 0) or after (from 1440); when it stays on the
  // written day, as most do, the text already holds the date.
  const utcMinute = hour * 60 + minute - offset;
  const dayShift = Math.floor(utcMinute / MINUTES_PER_DAY);
  if (isBeyondYears(year, month, day, dayShift)) return { ok: false, problem: 'out_of_range' };
  const date = dayShift === 0 ? text.slice(0, 10) : formatShiftedDate(year, month, day, dayShift);
  const clock = hoursAndMinutes(utcMinute - dayShift * MINUTES_PER_DAY);
  const milliseconds = pad(millisecondsOfFraction(text, timeEnd), 3);
  return { ok: true, utc: `${date}T${clock}:${twoDigits(second)}.${milliseconds}Z` };
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

/**
 * Where the optional `:SS` and `.fraction` after the minutes end, or -1 if they are malformed.
 * Only the end is returned, so that no object is made per row; the values are read from the text.
 */
function endOfSecondsAndFraction(text: string): number {
  if (text.charCodeAt(SECONDS_COLON_AT) !== CHAR.colon) return SECONDS_COLON_AT;
  if (digitsAt(text, SECONDS_COLON_AT + 1, 2) < 0) return -1;
  if (text.charCodeAt(FRACTION_DOT_AT) !== CHAR.dot) return FRACTION_DOT_AT;

  const fractionStart = FRACTION_DOT_AT + 1;
  let end = fractionStart;
  while (isDigit(text.charCodeAt(end))) end++;
  return end === fractionStart ? -1 : end;
}

/** The fraction's first three digits as milliseconds (`.5` is 500); 0 without a fraction. */
function millisecondsOfFraction(text: string, fractionEnd: number): number {
  const fractionStart = FRACTION_DOT_AT + 1;
  const kept = Math.min(fractionEnd - fractionStart, 3);
  if (kept <= 0) return 0;
  return digitsAt(text, fractionStart, kept) * 10 ** (3 - kept);
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

/** `YYYY-MM-DD` of the day before (`dayShift` -1) or after (1) the given one. */
function formatShiftedDate(year: number, month: number, day: number, dayShift: number): string {
  if (dayShift > 0) {
    if (day < daysInMonth(year, month)) return formatDate(year, month, day + 1);
    return month < 12 ? formatDate(year, month + 1, 1) : formatDate(year + 1, 1, 1);
  }
  if (day > 1) return formatDate(year, month, day - 1);
  return month > 1
    ? formatDate(year, month - 1, daysInMonth(year, month - 1))
    : formatDate(year - 1, 12, 31);
}

/** Whether the day shift moves 0000-01-01 back or 9999-12-31 forward, out of RFC 3339's years. */
function isBeyondYears(year: number, month: number, day: number, dayShift: number): boolean {
  if (dayShift < 0) return year === 0 && month === 1 && day === 1;
  if (dayShift > 0) return year === 9999 && month === 12 && day === 31;
  return false;
}

function formatDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${twoDigits(month)}-${twoDigits(day)}`;
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

// Fields are looked up rather than formatted per row: padding the two-digit fields cost a quarter
// of each call, and writing the hours and minutes another tenth. The tables are built once per
// isolate, in well under a millisecond.

const TWO_DIGITS = Array.from({ length: 100 }, (_, value) => pad(value, 2));

function twoDigits(value: number): string {
  return TWO_DIGITS[value] ?? pad(value, 2);
}

/** `HH:MM` for every minute of the day. */
const HOURS_AND_MINUTES = Array.from({ length: MINUTES_PER_DAY }, (_, minuteOfDay) =>
  formatHoursAndMinutes(minuteOfDay),
);

function hoursAndMinutes(minuteOfDay: number): string {
  return HOURS_AND_MINUTES[minuteOfDay] ?? formatHoursAndMinutes(minuteOfDay);
}

function formatHoursAndMinutes(minuteOfDay: number): string {
  return `${twoDigits(Math.floor(minuteOfDay / 60))}:${twoDigits(minuteOfDay % 60)}`;
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
