import { pacificOffset, pacificWallTime } from '../shared/pacific-time.js';

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/**
 * An instant as Apple writes it in `createdDate` and the feed's `updated`: Cupertino local time to the second,
 * with its offset (`2017-11-15T08:10:34-08:00`), so clients must compare instants, not strings.
 */
export function appleDate(ms: number): string {
  const seconds = Math.floor(ms / 1000) * 1000;
  const { year, month, day, hour, minute, second } = pacificWallTime(seconds);
  const offsetMinutes = Math.round(pacificOffset(seconds) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  const offset = `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
  return `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${offset}`;
}
