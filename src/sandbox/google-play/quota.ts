import type { PlayLimits } from './types.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export const DEFAULT_PLAY_LIMITS: PlayLimits = {
  readsPerHour: 200,
  repliesPerDay: 2_000,
  windowDays: 7,
};

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

function wallTime(ms: number): { year: number; month: number; day: number; utcOfWall: number } {
  const parts: Record<string, number> = {};
  for (const part of wallClock.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') {
      parts[part.type] = Number(part.value);
    }
  }
  const year = parts.year ?? 1970;
  const month = parts.month ?? 1;
  const day = parts.day ?? 1;
  const utcOfWall = Date.UTC(
    year,
    month - 1,
    day,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return { year, month, day, utcOfWall };
}

/** Pacific time's offset from UTC at `ms`, in ms (e.g. -8 h in winter). */
function pacificOffset(ms: number): number {
  const whole = ms - (((ms % 1000) + 1000) % 1000);
  return wallTime(whole).utcOfWall - whole;
}

/** Epoch ms of the midnight, Pacific time, that starts the day containing `ms`. */
export function pacificDayStart(ms: number): number {
  const { year, month, day } = wallTime(ms);
  const midnightAsUtc = Date.UTC(year, month - 1, day);
  const guess = midnightAsUtc - pacificOffset(ms);
  // The offset at midnight differs from the offset at `ms` on the days clocks change.
  return midnightAsUtc - pacificOffset(guess);
}

/** Epoch ms of the next midnight, Pacific time: when Google's daily quotas reset. */
export function nextPacificMidnight(ms: number): number {
  // Days last 23 to 25 hours, so 30 hours after a day's start always falls in the next day.
  return pacificDayStart(pacificDayStart(ms) + 30 * HOUR_MS);
}

export interface QuotaDecision {
  allowed: boolean;
}

export interface PlayQuota {
  /** Counts one read when the rolling hour has room. */
  takeRead(now: number): QuotaDecision;
  /** Counts one reply when today's (Pacific) allowance has room. */
  takeReply(now: number): QuotaDecision;
  limits(): PlayLimits;
  setLimits(overrides: Partial<PlayLimits>): void;
  reset(): void;
}

export function createPlayQuota(initial: Partial<PlayLimits> = {}): PlayQuota {
  let limits: PlayLimits = { ...DEFAULT_PLAY_LIMITS, ...initial };
  let reads: number[] = [];
  let replies = { dayStart: Number.NEGATIVE_INFINITY, count: 0 };

  return {
    takeRead(now) {
      reads = reads.filter((at) => at > now - HOUR_MS);
      if (reads.length >= limits.readsPerHour) {
        return { allowed: false };
      }
      reads.push(now);
      return { allowed: true };
    },
    takeReply(now) {
      const dayStart = pacificDayStart(now);
      if (dayStart !== replies.dayStart) {
        replies = { dayStart, count: 0 };
      }
      if (replies.count >= limits.repliesPerDay) {
        return { allowed: false };
      }
      replies.count += 1;
      return { allowed: true };
    },
    limits() {
      return { ...limits };
    },
    setLimits(overrides) {
      limits = { ...limits, ...overrides };
    },
    reset() {
      reads = [];
      replies = { dayStart: Number.NEGATIVE_INFINITY, count: 0 };
    },
  };
}
