/** California wall-clock time: Apple dates its reviews in it and Google's daily quotas reset at its midnight. */
const PACIFIC = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Los_Angeles',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export interface WallTime {
  year: number;
  /** 1 to 12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock time in America/Los_Angeles at `ms`, to the second. */
export function pacificWallTime(ms: number): WallTime {
  const parts: Record<string, number> = {};
  for (const part of PACIFIC.formatToParts(ms)) {
    if (part.type !== 'literal') {
      parts[part.type] = Number(part.value);
    }
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Pacific time's offset from UTC at `ms`, in ms (e.g. -8 h in winter). */
export function pacificOffset(ms: number): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const { year, month, day, hour, minute, second } = pacificWallTime(whole);
  return Date.UTC(year, month - 1, day, hour, minute, second) - whole;
}
