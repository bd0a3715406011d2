import type { BusinessHours, QuietHours, Weekday } from './types.js';
import { WEEKDAYS } from './types.js';

/**
 * Time-zone arithmetic on top of `Intl.DateTimeFormat`: no dependency, DST-correct for any IANA zone the runtime
 * knows. Local times that do not exist (the hour skipped in spring) move forward past the gap; local times that
 * exist twice (the hour repeated in autumn) resolve to the earlier instant, as Temporal's 'compatible' does.
 */

/** A calendar date in some time zone. */
export interface LocalDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

export interface LocalDateTime extends LocalDate {
  hour: number;
  minute: number;
  second: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const CLOCK = /^(\d{2}):(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached !== undefined) {
    return cached;
  }
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  formatters.set(timeZone, formatter);
  return formatter;
}

/** True when the runtime knows `timeZone` (an IANA name such as 'Europe/Berlin', or 'UTC'). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** `HH:MM` (or `24:00`) → minutes after midnight. */
export function parseClockTime(clock: string): number {
  const match = CLOCK.exec(clock);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (match === null || minutes > 59 || hours * 60 + minutes > 24 * 60) {
    throw new RangeError(`Not a time of day: "${clock}" (expected HH:MM)`);
  }
  return hours * 60 + minutes;
}

/** The wall clock in `timeZone` at `at`. */
export function localDateTime(at: Date, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') {
      parts[part.type] = Number(part.value);
    }
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** The local wall-clock reading as if it were UTC, in epoch ms: the difference to the instant is the offset. */
function wallMs(instant: number, timeZone: string): number {
  const local = localDateTime(new Date(instant), timeZone);
  const subSecond = ((instant % 1000) + 1000) % 1000;
  return (
    Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) +
    subSecond
  );
}

/** The instant at which the wall clock in `timeZone` shows `minuteOfDay` (0–1440) on `date`. */
export function zonedTime(date: LocalDate, minuteOfDay: number, timeZone: string): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * MINUTE_MS;
  // Real zones change their offset at most once a day, so the offsets a day either side cover both readings.
  const offsetBefore = wallMs(wall - DAY_MS, timeZone) - (wall - DAY_MS);
  const offsetAfter = wallMs(wall + DAY_MS, timeZone) - (wall + DAY_MS);
  const candidates = [wall - offsetBefore, wall - offsetAfter].filter(
    (instant) => wallMs(instant, timeZone) === wall,
  );
  if (candidates.length > 0) {
    return new Date(Math.min(...candidates));
  }
  // In a gap: the offset in force before it lands the same distance past the gap.
  return new Date(wall - offsetBefore);
}

export function localDateOf(at: Date, timeZone: string): LocalDate {
  const { year, month, day } = localDateTime(at, timeZone);
  return { year, month, day };
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
  };
}

export function weekdayOf(date: LocalDate): Weekday {
  const index = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return WEEKDAYS[index] ?? 'sun';
}

export function isoDateOf(date: LocalDate): string {
  const month = String(date.month).padStart(2, '0');
  const day = String(date.day).padStart(2, '0');
  return `${String(date.year).padStart(4, '0')}-${month}-${day}`;
}

function minuteOfDay(at: Date, timeZone: string): number {
  const local = localDateTime(at, timeZone);
  return local.hour * 60 + local.minute + local.second / 60;
}

export function isBusinessDay(date: LocalDate, hours: BusinessHours): boolean {
  return hours.days.includes(weekdayOf(date)) && !hours.holidays.includes(isoDateOf(date));
}

interface Window {
  open: number;
  close: number;
}

/** Opening and closing instants (epoch ms) of `date`, or null when it is not a business day. */
function windowOf(date: LocalDate, hours: BusinessHours, timeZone: string): Window | null {
  if (!isBusinessDay(date, hours)) {
    return null;
  }
  return {
    open: zonedTime(date, parseClockTime(hours.from), timeZone).getTime(),
    close: zonedTime(date, parseClockTime(hours.to), timeZone).getTime(),
  };
}

/** Enough days to reach a business day from anywhere, given at least one business weekday. */
function dayBound(hours: BusinessHours): number {
  if (hours.days.length === 0) {
    throw new RangeError('Business hours have no business days');
  }
  return 7 * (hours.holidays.length + 1) + 1;
}

/** Business hours are open at `at` (opening time inclusive, closing time exclusive). */
export function isBusinessTime(at: Date, hours: BusinessHours, timeZone: string): boolean {
  const window = windowOf(localDateOf(at, timeZone), hours, timeZone);
  return window !== null && at.getTime() >= window.open && at.getTime() < window.close;
}

/** `at` when business hours are open, else the next opening. */
export function nextBusinessTime(at: Date, hours: BusinessHours, timeZone: string): Date {
  let date = localDateOf(at, timeZone);
  const bound = dayBound(hours);
  for (let step = 0; step < bound; step += 1) {
    const window = windowOf(date, hours, timeZone);
    if (window !== null && at.getTime() < window.close) {
      return new Date(Math.max(at.getTime(), window.open));
    }
    date = addDays(date, 1);
  }
  throw new RangeError(`No business day within ${bound} days of ${at.toISOString()}`);
}

/**
 * `start` plus `minutes` of open business time: the clock stops outside business hours, on closed weekdays and on
 * holidays. Landing exactly on a closing time returns the closing time.
 */
export function addBusinessMinutes(
  start: Date,
  minutes: number,
  hours: BusinessHours,
  timeZone: string,
): Date {
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError(`Cannot add ${minutes} business minutes`);
  }
  let remaining = minutes * MINUTE_MS;
  let cursor = start.getTime();
  let date = localDateOf(start, timeZone);
  let idleDays = 0;
  const bound = dayBound(hours);
  while (idleDays < bound) {
    const window = windowOf(date, hours, timeZone);
    const from = window === null ? 0 : Math.max(cursor, window.open);
    if (window !== null && from < window.close) {
      idleDays = 0;
      if (remaining <= window.close - from) {
        return new Date(from + remaining);
      }
      remaining -= window.close - from;
      cursor = window.close;
    } else {
      idleDays += 1;
    }
    date = addDays(date, 1);
  }
  throw new RangeError(`No business day within ${bound} days of ${start.toISOString()}`);
}

/** Minutes between opening and closing on a business day. */
export function businessDayMinutes(hours: BusinessHours): number {
  return parseClockTime(hours.to) - parseClockTime(hours.from);
}

/** `start` plus `days` full business days of open time, e.g. Monday 10:00 + 2 → Wednesday 10:00. */
export function addWorkingDays(
  start: Date,
  days: number,
  hours: BusinessHours,
  timeZone: string,
): Date {
  return addBusinessMinutes(start, days * businessDayMinutes(hours), hours, timeZone);
}

/**
 * The close of business on the day `at` falls in; when `at` is outside business hours or at or after `cutoff`,
 * the close of the next business day.
 */
export function sameDayDeadline(
  at: Date,
  hours: BusinessHours,
  timeZone: string,
  cutoff: string | null = null,
): Date {
  let open = nextBusinessTime(at, hours, timeZone);
  const arrivedOpen = open.getTime() === at.getTime();
  if (arrivedOpen && cutoff !== null && minuteOfDay(at, timeZone) >= parseClockTime(cutoff)) {
    const tomorrow = addDays(localDateOf(at, timeZone), 1);
    open = nextBusinessTime(zonedTime(tomorrow, 0, timeZone), hours, timeZone);
  }
  return zonedTime(localDateOf(open, timeZone), parseClockTime(hours.to), timeZone);
}

/** Quiet hours hold at `at` (`from` inclusive, `to` exclusive; `from` after `to` spans midnight). */
export function isWithinQuietHours(
  at: Date,
  quietHours: Pick<QuietHours, 'from' | 'to'> | null,
  timeZone: string,
): boolean {
  if (quietHours === null) {
    return false;
  }
  const from = parseClockTime(quietHours.from);
  const to = parseClockTime(quietHours.to);
  const minute = minuteOfDay(at, timeZone);
  if (from <= to) {
    return minute >= from && minute < to;
  }
  return minute >= from || minute < to;
}

/** When the quiet hours that hold at `at` end, or null when they do not hold. */
export function quietHoursEnd(
  at: Date,
  quietHours: Pick<QuietHours, 'from' | 'to'> | null,
  timeZone: string,
): Date | null {
  if (quietHours === null || !isWithinQuietHours(at, quietHours, timeZone)) {
    return null;
  }
  const to = parseClockTime(quietHours.to);
  const today = localDateOf(at, timeZone);
  const endsTomorrow = minuteOfDay(at, timeZone) >= to;
  return zonedTime(endsTomorrow ? addDays(today, 1) : today, to, timeZone);
}
