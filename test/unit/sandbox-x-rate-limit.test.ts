import { describe, expect, it } from 'vitest';

import {
  createRateLimiter,
  currentWindow,
  DAY_MS,
  DEFAULT_X_RATE_LIMITS,
  mergeLimits,
  resetSeconds,
} from '../../src/sandbox/x/rate-limit.js';

const START = Date.UTC(2026, 10, 20, 9, 0, 0);

describe('fixed windows', () => {
  it('opens a window at the first request', () => {
    const window = currentWindow(undefined, 900_000, START);

    expect(window).toEqual({ startedAt: START, count: 0 });
  });

  it('keeps the window until its length has passed, then opens a new one', () => {
    const open = { startedAt: START, count: 3 };

    const before = currentWindow(open, 900_000, START + 899_999);
    const after = currentWindow(open, 900_000, START + 900_000);

    expect(before).toBe(open);
    expect(after).toEqual({ startedAt: START + 900_000, count: 0 });
  });

  it('reports the reset in epoch seconds, rounded up', () => {
    const reset = resetSeconds({ startedAt: START + 1, count: 0 }, 900_000);

    expect(reset).toBe((START + 900_000) / 1000 + 1);
  });
});

describe('mergeLimits', () => {
  it('sets numbers, removes nulls and keeps absent keys', () => {
    const merged = mergeLimits(DEFAULT_X_RATE_LIMITS, {
      'POST /2/tweets': { perUser15m: 5, perApp24h: null },
    });

    expect(merged['POST /2/tweets']).toEqual({ perUser15m: 5, perApp24h: null });
    expect(merged['GET /2/users/me']).toEqual({ perUser15m: 75 });
  });
});

describe('createRateLimiter', () => {
  it('uses the pay-per-use defaults', () => {
    const limiter = createRateLimiter({ now: () => START });

    const limits = limiter.limits();

    expect(limits).toEqual({
      'GET /2/users/me': { perUser15m: 75 },
      'GET /2/users/:id/mentions': { perUser15m: 300, perApp15m: 450 },
      'GET /2/tweets/search/recent': { perUser15m: 300, perApp15m: 450 },
      'GET /2/tweets': { perUser15m: 900, perApp15m: 450 },
      'POST /2/tweets': { perUser15m: 100, perApp24h: 10_000 },
      'POST /2/dm_conversations/with/:participant_id/messages': {
        perUser15m: 15,
        perUser24h: 1_440,
        perApp24h: 1_440,
      },
      'GET /2/dm_conversations/with/:participant_id/dm_events': { perUser15m: 15 },
    });
  });

  it('counts down, refuses at zero without counting, and resets after the window', () => {
    let now = START;
    const limiter = createRateLimiter({
      now: () => now,
      windowMs: 60_000,
      limits: { 'GET /2/users/me': { perUser15m: 2 } },
    });

    const first = limiter.take('GET /2/users/me', 'user', '1');
    now += 10_000;
    const second = limiter.take('GET /2/users/me', 'user', '1');
    const third = limiter.take('GET /2/users/me', 'user', '1');
    now = START + 60_000;
    const fourth = limiter.take('GET /2/users/me', 'user', '1');

    const reset = String((START + 60_000) / 1000);
    expect(first).toEqual({
      allowed: true,
      headers: {
        'x-rate-limit-limit': '2',
        'x-rate-limit-remaining': '1',
        'x-rate-limit-reset': reset,
      },
    });
    expect(second.headers['x-rate-limit-remaining']).toBe('0');
    expect(third).toEqual({
      allowed: false,
      headers: {
        'x-rate-limit-limit': '2',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': reset,
      },
    });
    expect(fourth).toEqual({
      allowed: true,
      headers: {
        'x-rate-limit-limit': '2',
        'x-rate-limit-remaining': '1',
        'x-rate-limit-reset': String((START + 120_000) / 1000),
      },
    });
  });

  it('keeps user-context and app-only 15-minute windows apart', () => {
    const limiter = createRateLimiter({
      now: () => START,
      limits: { 'GET /2/tweets/search/recent': { perUser15m: 1, perApp15m: 1 } },
    });

    const user = limiter.take('GET /2/tweets/search/recent', 'user', '1');
    const app = limiter.take('GET /2/tweets/search/recent', 'app', '1');
    const userAgain = limiter.take('GET /2/tweets/search/recent', 'user', '1');

    expect([user.allowed, app.allowed, userAgain.allowed]).toEqual([true, true, false]);
  });

  it('adds 24-hour headers and refuses when the day is used up even if the window has room', () => {
    const limiter = createRateLimiter({
      now: () => START,
      limits: { 'POST /2/dm_conversations/with/:participant_id/messages': { perUser24h: 1 } },
    });

    const first = limiter.take(
      'POST /2/dm_conversations/with/:participant_id/messages',
      'user',
      '1',
    );
    const second = limiter.take(
      'POST /2/dm_conversations/with/:participant_id/messages',
      'user',
      '1',
    );

    const daySeconds = String((START + DAY_MS) / 1000);
    expect(first.headers).toEqual({
      'x-rate-limit-limit': '15',
      'x-rate-limit-remaining': '14',
      'x-rate-limit-reset': String((START + 900_000) / 1000),
      'x-user-limit-24hour-limit': '1',
      'x-user-limit-24hour-remaining': '0',
      'x-user-limit-24hour-reset': daySeconds,
      'x-app-limit-24hour-limit': '1440',
      'x-app-limit-24hour-remaining': '1439',
      'x-app-limit-24hour-reset': daySeconds,
    });
    expect(second.allowed).toBe(false);
    expect(second.headers['x-rate-limit-remaining']).toBe('14');
  });

  it('mirrors the daily window in x-rate-limit-* when an endpoint has no 15-minute limit', () => {
    const limiter = createRateLimiter({
      now: () => START,
      limits: { 'POST /2/tweets': { perUser15m: null, perApp24h: 3 } },
    });

    const decision = limiter.take('POST /2/tweets', 'user', '1');

    expect(decision.headers['x-rate-limit-limit']).toBe('3');
    expect(decision.headers['x-rate-limit-remaining']).toBe('2');
    expect(decision.headers['x-app-limit-24hour-remaining']).toBe('2');
  });

  it('forgets every window on reset but keeps the limits', () => {
    const limiter = createRateLimiter({
      now: () => START,
      limits: { 'GET /2/users/me': { perUser15m: 1 } },
    });
    limiter.take('GET /2/users/me', 'user', '1');

    limiter.reset();
    const decision = limiter.take('GET /2/users/me', 'user', '1');

    expect(decision.allowed).toBe(true);
    expect(decision.headers['x-rate-limit-limit']).toBe('1');
  });
});
