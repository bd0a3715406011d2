import type { Redis } from 'ioredis';
import type { BudgetName, RateBudget } from '../app/context.js';
import {
  assertBucketConfig,
  bucketsFromLimits,
  PAY_PER_USE_LIMITS,
  type BucketConfig,
} from '../core/token-bucket.js';

/** Buckets sized from the X pay-per-use, App Store Connect and Google Play limits (src/core/token-bucket.ts). */
export const DEFAULT_BUDGETS: Record<BudgetName, BucketConfig> =
  bucketsFromLimits(PAY_PER_USE_LIMITS);

/** The Redis hash holding one bucket's `tokens`, `updatedAt`, `blockedUntil`, `capUntil` and `capLeft`. */
export function budgetKey(prefix: string, name: BudgetName): string {
  return `${prefix}:budget:${name}`;
}

const COMMAND = 'earshotRateBudget';

// The Lua twin of take/observe in src/core/token-bucket.ts; the integration test replays both side by side.
// Numbers are written back with %.17g so they round-trip exactly, and retryAt is returned as a string because
// Redis truncates Lua numbers in replies. The TTL lets a bucket vanish only once it would be full again anyway.
const SCRIPT = `
local key = KEYS[1]
local op = ARGV[1]
local now = tonumber(ARGV[2])
local capacity = tonumber(ARGV[3])
local refillTokens = tonumber(ARGV[4])
local every = tonumber(ARGV[5])

local tokens = capacity
local updatedAt = now
local blockedUntil = 0
local capUntil = 0
local capLeft = 0
local stored = redis.call('HMGET', key, 'tokens', 'updatedAt', 'blockedUntil', 'capUntil', 'capLeft')
if stored[1] and stored[2] and stored[3] then
  tokens = tonumber(stored[1])
  updatedAt = tonumber(stored[2])
  blockedUntil = tonumber(stored[3])
  capUntil = tonumber(stored[4] or '0')
  capLeft = tonumber(stored[5] or '0')
end

local steps = 0
if now > updatedAt then
  steps = math.floor((now - updatedAt) / every)
end
tokens = math.min(capacity, tokens + steps * refillTokens)
updatedAt = updatedAt + steps * every
if now >= capUntil then
  capUntil = 0
  capLeft = 0
end

local granted = 0
local retryAt = ''
if op == 'take' then
  local capSpent = capUntil > 0 and capLeft < 1
  if now < blockedUntil or tokens < 1 or capSpent then
    local tokenAt = now
    if tokens < 1 then
      tokenAt = updatedAt + math.ceil((1 - tokens) / refillTokens) * every
    end
    local capAt = 0
    if capSpent then
      capAt = capUntil
    end
    retryAt = string.format('%.17g', math.max(blockedUntil, tokenAt, capAt))
  else
    tokens = tokens - 1
    if capUntil > 0 then
      capLeft = capLeft - 1
    end
    granted = 1
  end
else
  local remaining = tonumber(ARGV[6])
  local resetAt = tonumber(ARGV[7])
  if resetAt > now and resetAt >= capUntil then
    local allowed = math.max(0, math.floor(remaining))
    if allowed == 0 then
      blockedUntil = math.max(blockedUntil, resetAt)
    end
    tokens = math.min(tokens, allowed)
    if resetAt == capUntil then
      capLeft = math.min(capLeft, allowed)
    else
      capLeft = allowed
    end
    capUntil = resetAt
  end
end

redis.call('HSET', key,
  'tokens', string.format('%.17g', tokens),
  'updatedAt', string.format('%.17g', updatedAt),
  'blockedUntil', string.format('%.17g', blockedUntil),
  'capUntil', string.format('%.17g', capUntil),
  'capLeft', string.format('%.17g', capLeft))
local fullAt = updatedAt
if tokens < capacity then
  fullAt = updatedAt + math.ceil((capacity - tokens) / refillTokens) * every
end
local ttl = math.ceil(math.max(fullAt, blockedUntil, capUntil) - now + every)
redis.call('PEXPIRE', key, math.max(1000, ttl))
return {granted, retryAt}
`;

interface BudgetCommand {
  [COMMAND](key: string, ...args: (string | number)[]): Promise<[number, string]>;
}

function withBudgetCommand(redis: Redis): Redis & BudgetCommand {
  if (!(COMMAND in redis)) {
    // defineCommand sends EVALSHA and falls back to EVAL once after a SCRIPT FLUSH or a failover.
    redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: SCRIPT });
  }
  return redis as Redis & BudgetCommand;
}

/**
 * The shared rate budgets: one token bucket per `BudgetName` in Redis, taken and aligned atomically by one Lua
 * script, so any number of processes spend one budget. `now` comes from the caller (the app's clock, or a
 * simulated one), never from Redis `TIME`; `configs` override the defaults per budget.
 *
 * @example
 * const budget = createRateBudget(redis, 'earshot');
 * const grant = await budget.take('x:post', Date.now());
 */
export function createRateBudget(
  redis: Redis,
  prefix: string,
  configs: Partial<Record<BudgetName, BucketConfig>> = {},
): RateBudget {
  const buckets: Record<BudgetName, BucketConfig> = { ...DEFAULT_BUDGETS, ...configs };
  for (const [name, config] of Object.entries(buckets)) {
    assertBucketConfig(config, name);
  }
  const client = withBudgetCommand(redis);

  function args(name: BudgetName): number[] {
    const config = buckets[name];
    return [config.capacity, config.refillTokens, config.refillEveryMs];
  }

  return {
    async take(name, now) {
      const [granted, retryAt] = await client[COMMAND](
        budgetKey(prefix, name),
        'take',
        now,
        ...args(name),
      );
      if (granted === 1) {
        return { granted: true };
      }
      return { granted: false, retryAt: Number(retryAt) };
    },

    async observe(name, remaining, resetAt, now) {
      await client[COMMAND](
        budgetKey(prefix, name),
        'observe',
        now,
        ...args(name),
        remaining,
        resetAt,
      );
    },
  };
}
