import type { Redis } from 'ioredis';

/** Replaces the value only if nobody changed it since it was read. KEYS: the key. ARGV: value read, new value. */
export const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`;

/**
 * Applies `change` to the JSON value at `key` with compare-and-set, retrying while others write it, so no
 * concurrent write is lost. Returns the new value, or null when the key is absent or `change` refused.
 */
export async function updateJson<T>(
  redis: Redis,
  key: string,
  change: (current: T) => T | null,
  what: string,
): Promise<T | null> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const raw = await redis.get(key);
    if (raw === null) {
      return null;
    }
    const next = change(JSON.parse(raw) as T);
    if (next === null) {
      return null;
    }
    if ((await redis.eval(COMPARE_AND_SET, 1, key, raw, JSON.stringify(next))) === 1) {
      return next;
    }
  }
  throw new Error(`${what} kept changing while being updated`);
}
