/** X's snowflake epoch (2010-11-04T01:42:54.657Z). */
export const TWITTER_EPOCH_MS = 1_288_834_974_657;

/** The lowest post id the sandbox hands out, so ids always look like current 19-digit X ids. */
export const FIRST_POST_ID = 1_860_000_000_000_000_000n;

const MAX_ID = 9_999_999_999_999_999_999n; // the spec's ^[0-9]{1,19}$

/** The snowflake X would mint at `ms` (sequence and worker bits zero). */
export function snowflakeAt(ms: number): bigint {
  const sinceEpoch = BigInt(Math.max(0, Math.floor(ms) - TWITTER_EPOCH_MS));
  return sinceEpoch << 22n;
}

/** Inverse of {@link snowflakeAt}: the epoch ms a snowflake id was minted at. */
export function snowflakeTime(id: bigint): number {
  return Number(id >> 22n) + TWITTER_EPOCH_MS;
}

export interface IdGenerator {
  /** A new id, strictly greater than every id returned before. */
  next(): string;
}

/**
 * Ids tied to the clock like real snowflakes, so twitter-api-v2's start_time → since_id conversion
 * behaves, but never below `floor` and never repeated, even when the clock stands still or goes back.
 */
export function createIdGenerator(now: () => number, floor: bigint = FIRST_POST_ID): IdGenerator {
  let last = floor - 1n;
  return {
    next(): string {
      const fromClock = snowflakeAt(now());
      const candidate = fromClock > last ? fromClock : last + 1n;
      if (candidate > MAX_ID) {
        throw new RangeError('Sandbox id space exhausted (ids are at most 19 digits)');
      }
      last = candidate;
      return candidate.toString();
    },
  };
}

/** Plain sequential ids for users, which X numbers independently of posts. */
export function createSequence(start: bigint): IdGenerator {
  let next = start;
  return {
    next(): string {
      const id = next;
      next += 1n;
      return id.toString();
    },
  };
}

const ID_PATTERN = /^[0-9]{1,19}$/;

export function isXId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** Compares two numeric id strings by value. */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  if (x === y) {
    return 0;
  }
  return x < y ? -1 : 1;
}
