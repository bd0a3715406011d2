import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/env.js';
import { ConfigError } from '../../src/errors.js';

describe('parseConfig', () => {
  it('gives the documented defaults and sandbox mode for an empty environment', () => {
    const config = parseConfig({});

    expect(config).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      prefix: 'earshot',
      port: 3000,
      sandboxPort: 4010,
      mode: 'sandbox',
      demoTraffic: true,
      dryRun: false,
      engagementWatchIntervalMs: 300_000,
      engagementWatchMaxRequests: 5,
      x: { credentials: null, pollIntervalMs: 3000, searchQueries: [] },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.x)).toBe(true);
  });

  it('is live and dry-run by default once OAuth 1.0a keys are set', () => {
    const config = parseConfig({
      X_API_KEY: 'k',
      X_API_SECRET: 's',
      X_ACCESS_TOKEN: 't',
      X_ACCESS_SECRET: 'ts',
      X_BRAND_HANDLE: '@Acme',
    });

    expect(config.mode).toBe('live');
    expect(config.dryRun).toBe(true);
    expect(config.x.pollIntervalMs).toBe(15_000);
    expect(config.x.brandHandle).toBe('Acme');
    expect(config.x.credentials).toEqual({
      kind: 'oauth1',
      keys: { appKey: 'k', appSecret: 's', accessToken: 't', accessSecret: 'ts' },
    });
  });

  it('accepts an OAuth 2 user token and an explicit DRY_RUN=off', () => {
    const config = parseConfig({ X_OAUTH2_USER_TOKEN: 'user-token', DRY_RUN: 'off' });

    expect(config.x.credentials).toEqual({ kind: 'oauth2-user', token: 'user-token' });
    expect(config.dryRun).toBe(false);
  });

  it('splits X_SEARCH_QUERIES on semicolons and treats empty values as unset', () => {
    const config = parseConfig({
      X_SEARCH_QUERIES: 'acme outage; "acme app" -is:retweet ;',
      PORT: '',
    });

    expect(config.x.searchQueries).toEqual(['acme outage', '"acme app" -is:retweet']);
    expect(config.port).toBe(3000);
  });

  it.each`
    key                                | value                 | expected
    ${'PORT'}                          | ${'abc'}              | ${'Invalid configuration: PORT must be a whole number (got "abc")'}
    ${'PORT'}                          | ${'70000'}            | ${'Invalid configuration: PORT must be at most 65535 (got "70000")'}
    ${'REDIS_URL'}                     | ${'http://localhost'} | ${'Invalid configuration: REDIS_URL must be a redis:// or rediss:// URL (got "http://localhost")'}
    ${'EARSHOT_PREFIX'}                | ${'a:b'}              | ${'Invalid configuration: EARSHOT_PREFIX must be 1–40 letters, digits, _ or - (no ":") (got "a:b")'}
    ${'DEMO_TRAFFIC'}                  | ${'maybe'}            | ${'Invalid configuration: DEMO_TRAFFIC must be one of on/off, true/false, 1/0, yes/no (got "maybe")'}
    ${'X_POLL_INTERVAL_MS'}            | ${'10'}               | ${'Invalid configuration: X_POLL_INTERVAL_MS must be at least 1000 (got "10")'}
    ${'X_BRAND_HANDLE'}                | ${'not a handle!'}    | ${'Invalid configuration: X_BRAND_HANDLE must be an X handle: 1–15 letters, digits or _ (got "not a handle!")'}
    ${'ENGAGEMENT_WATCH_INTERVAL_MS'}  | ${'500'}              | ${'Invalid configuration: ENGAGEMENT_WATCH_INTERVAL_MS must be 0 (off) or at least 1000 (got "500")'}
    ${'ENGAGEMENT_WATCH_MAX_REQUESTS'} | ${'0'}                | ${'Invalid configuration: ENGAGEMENT_WATCH_MAX_REQUESTS must be at least 1 (got "0")'}
    ${'ENGAGEMENT_WATCH_MAX_REQUESTS'} | ${'10'}               | ${'Invalid configuration: ENGAGEMENT_WATCH_MAX_REQUESTS must be at most 9 (got "10")'}
  `('rejects $key=$value with one line naming the key', ({ key, value, expected }) => {
    const attempt = () => parseConfig({ [key]: value });

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(expected);
  });

  it('switches the engagement watch off with ENGAGEMENT_WATCH_INTERVAL_MS=0', () => {
    const config = parseConfig({ ENGAGEMENT_WATCH_INTERVAL_MS: '0' });

    expect(config.engagementWatchIntervalMs).toBe(0);
  });

  it('takes the engagement watch’s lookups per run from ENGAGEMENT_WATCH_MAX_REQUESTS', () => {
    expect(parseConfig({ ENGAGEMENT_WATCH_MAX_REQUESTS: '2' }).engagementWatchMaxRequests).toBe(2);
  });

  it('names the missing OAuth 1.0a keys and never echoes secret values', () => {
    const attempt = () => parseConfig({ X_API_KEY: 'super-secret-key', X_ACCESS_TOKEN: 'tok' });

    expect(attempt).toThrow(
      'Invalid configuration: X_API_SECRET, X_ACCESS_SECRET missing — OAuth 1.0a needs all of X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN, X_ACCESS_SECRET',
    );
  });

  it('does not print the value of a bad secret', () => {
    let message = '';

    try {
      parseConfig({ X_API_KEY: '', X_OAUTH2_USER_TOKEN: 'tok', X_API_SECRET: 's' });
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).toContain('X_API_KEY');
    expect(message).not.toContain('tok');
  });
});

describe('.env.example', () => {
  it('lists every configuration key, each with a comment above it', async () => {
    const { readFileSync } = await import('node:fs');
    const { Env } = await import('../../src/config/env.js');
    const lines = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8').split('\n');

    const listed = lines
      .filter((line) => /^[A-Z0-9_]+=/.test(line))
      .map((line) => line.split('=')[0]);
    const uncommented = lines
      .map((line, index) => ({ line, previous: lines[index - 1] ?? '' }))
      .filter(
        ({ line, previous }) => /^[A-Z0-9_]+=/.test(line) && !/^#|^[A-Z0-9_]+=/.test(previous),
      )
      .map(({ line }) => line);

    expect([...listed].sort()).toEqual(Object.keys(Env.shape).sort());
    expect(uncommented).toEqual([]);
  });
});
