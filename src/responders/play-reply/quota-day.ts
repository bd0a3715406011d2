const HOUR_MS = 3_600_000;
const QUOTA_TIME_ZONE = 'America/Los_Angeles';

const wallClock = new Intl.DateTimeFormat('en-US', {
  timeZone: QUOTA_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function wallParts(ms: number): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const part of wallClock.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') {
      parts[part.type] = Number(part.value);
    }
  }
  return parts;
}

/** Pacific time's offset from UTC at `ms`, in ms. */
function offsetAt(ms: number): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const parts = wallParts(whole);
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return wall - whole;
}

function dayStart(ms: number): number {
  const parts = wallParts(ms);
  const midnightAsUtc = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1);
  // The offset at midnight differs from the offset at `ms` on the days clocks change.
  return midnightAsUtc - offsetAt(midnightAsUtc - offsetAt(ms));
}

/**
 * The next midnight in Pacific time, when Google's daily quotas (Play's 2,000 replies a day) reset. Kept
 * apart from the sandbox's copy on purpose: the sandbox must not share the client's logic to test it.
 */
export function nextQuotaDay(ms: number): number {
  // Days last 23 to 25 hours, so 30 hours after a day's start always falls in the next day.
  return dayStart(dayStart(ms) + 30 * HOUR_MS);
}
