/**
 * RFC 3339 / ISO 8601 date-times that carry an offset: `T` or a space between date and
 * time, optional seconds and fraction, then `Z` or `±HH:MM` (also `±HHMM`).
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

export type TimestampProblem = 'missing_offset' | 'invalid_format' | 'impossible_date';

export type ParsedTimestamp = { ok: true; utc: string } | { ok: false; problem: TimestampProblem };

/** The instant as UTC RFC 3339 with milliseconds; digits past the millisecond are dropped. */
export function parseTimestamp(text: string): ParsedTimestamp {
  const match = DATE_TIME.exec(text.trim());
  if (!match) {
    const problem = LOCAL_DATE_TIME.test(text.trim()) ? 'missing_offset' : 'invalid_format';
    return { ok: false, problem };
  }

  const [year, month, day, hour, minute, second] = match
    .slice(1, 7)
    .map((part) => Number(part ?? 0));
  const milliseconds = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (!isRealDateTime(year!, month!, day!, hour!, minute!, second!)) {
    return { ok: false, problem: 'impossible_date' };
  }

  const offsetMinutes = readOffsetMinutes(match);
  if (offsetMinutes === null) return { ok: false, problem: 'impossible_date' };

  const instant = new Date(0);
  instant.setUTCFullYear(year!, month! - 1, day!);
  instant.setUTCHours(hour!, minute! - offsetMinutes, second!, milliseconds);
  return { ok: true, utc: instant.toISOString() };
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
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function readOffsetMinutes(match: RegExpExecArray): number | null {
  if (match[8]) return 0;
  const hours = Number(match[10]);
  const minutes = Number(match[11]);
  if (hours > 23 || minutes > 59) return null;
  const sign = match[9] === '-' ? -1 : 1;
  return sign * (hours * 60 + minutes);
}
