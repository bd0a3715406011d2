import { pacificOffset, pacificWallTime } from '../shared/pacific-time.js';
import type { PlayLimits } from './types.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export const DEFAULT_PLAY_LIMITS: PlayLimits = {
  readsPerHour: 200,
  repliesPerDay: 2_000,
  windowDays: 7,
};

/** Epoch ms of the midnight, Pacific time, that starts the day containing `ms`. */
export function pacificDayStart(ms: number): number {
  const { year, month, day } = pacificWallTime(ms);
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
