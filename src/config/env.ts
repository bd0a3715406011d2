import { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * The environment, parsed once at startup into a frozen Config. Every key is listed in .env.example
 * with its default. A bad value stops startup with one line naming the key and what was wrong.
 */

const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0', 'yes', 'no'], {
    error: 'must be one of on/off, true/false, 1/0, yes/no',
  })
  .transform((value) => ['on', 'true', '1', 'yes'].includes(value));

function intIn(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    );
}

const handle = z
  .string()
  .transform((value) => value.replace(/^@/, ''))
  .pipe(
    z.string().regex(/^\w{1,15}$/, { error: 'must be an X handle: 1–15 letters, digits or _' }),
  );

export const Env = z
  .object({
    REDIS_URL: z
      .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })
      .default('redis://127.0.0.1:6379'),
    EARSHOT_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, { error: 'must be 1–40 letters, digits, _ or - (no ":")' })
      .default('earshot'),
    PORT: intIn(1, 65535).default(3000),
    SANDBOX_PORT: intIn(0, 65535).default(4010),
    X_POLL_INTERVAL_MS: intIn(1000, 86_400_000).optional(),
    X_SEARCH_INTERVAL_MS: intIn(1000, 86_400_000).default(60_000),
    X_SEARCH_QUERIES: z.string().optional(),
    X_API_BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    X_API_KEY: z.string().min(1).optional(),
    X_API_SECRET: z.string().min(1).optional(),
    X_ACCESS_TOKEN: z.string().min(1).optional(),
    X_ACCESS_SECRET: z.string().min(1).optional(),
    X_OAUTH2_USER_TOKEN: z.string().min(1).optional(),
    X_BRAND_HANDLE: handle.optional(),
    BRAND_NAME: z.string().min(1).max(50, { error: 'must be at most 50 characters' }).optional(),
    DEMO_TRAFFIC: onOff.default(true),
    DRY_RUN: onOff.optional(),
    PAUSED: onOff.default(false),
    REPLY_JITTER_MS: intIn(0, 600_000).optional(),
    WATCHDOG_INTERVAL_MS: intIn(1000, 3_600_000).default(30_000),
    ENGAGEMENT_WATCH_INTERVAL_MS: intIn(0, 86_400_000)
      .refine((ms) => ms === 0 || ms >= 1000, { error: 'must be 0 (off) or at least 1000' })
      .default(300_000),
    ENGAGEMENT_WATCH_MAX_REQUESTS: intIn(1, 9).default(5),
    HOST: z.string().min(1).default('127.0.0.1'),
    DESK_BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    DESK_METRICS_TOKEN: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
    DESK_BULL_BOARD: onOff.default(true),
    SLACK_WEBHOOK_URL: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }).optional(),
    NOTIFY_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    NOTIFY_WEBHOOK_SECRET: z
      .string()
      .min(16, { error: 'must be at least 16 characters' })
      .optional(),
    RULES_DIR: z.string().min(1).optional(),
    CLASSIFIER_MODEL: z.string().min(1).optional(),
    PRIVACY_POLICY_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    TEMPLATES_DIR: z.string().min(1).optional(),
    APP_STORE_APP_ID: z
      .string()
      .regex(/^\d{1,12}$/, { error: 'must be the numeric Apple app id' })
      .optional(),
    APP_STORE_KEY_ID: z
      .string()
      .regex(/^[A-Z0-9]{10}$/, { error: 'must be a 10-character App Store Connect key id' })
      .optional(),
    APP_STORE_ISSUER_ID: z
      .uuid({ error: 'must be the issuer id (a UUID) from App Store Connect' })
      .optional(),
    APP_STORE_PRIVATE_KEY_PATH: z.string().min(1).optional(),
    APP_STORE_API_BASE_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .optional(),
    APP_STORE_COUNTRIES: z
      .string()
      .regex(/^[a-z]{2}(,[a-z]{2})*$/i, {
        error: 'must be two-letter country codes separated by commas, e.g. us,gb,de',
      })
      .optional(),
    APP_STORE_RSS_BASE_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .optional(),
    APP_STORE_POLL_INTERVAL_MS: intIn(1000, 86_400_000).optional(),
    GOOGLE_PLAY_PACKAGE_NAME: z
      .string()
      .regex(/^[a-zA-Z][\w]*(\.[a-zA-Z][\w]*)+$/, {
        error: 'must be an Android package name like com.example.app',
      })
      .optional(),
    GOOGLE_PLAY_SERVICE_ACCOUNT_FILE: z.string().min(1).optional(),
    GOOGLE_PLAY_API_BASE_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .optional(),
    GOOGLE_PLAY_POLL_INTERVAL_MS: intIn(1000, 86_400_000).optional(),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
    LOG_FORMAT: z.enum(['pretty', 'json'], { error: 'must be pretty or json' }).optional(),
  })
  .strip();

export type Env = z.infer<typeof Env>;

export interface XOAuth1Credentials {
  appKey: string;
  appSecret: string;
  accessToken: string;
  accessSecret: string;
}

export type XCredentials =
  { kind: 'oauth1'; keys: XOAuth1Credentials } | { kind: 'oauth2-user'; token: string };

export interface Config {
  redisUrl: string;
  prefix: string;
  port: number;
  sandboxPort: number;
  /** 'sandbox' when no X credentials are configured: earshot runs its own X API on loopback. */
  mode: 'sandbox' | 'live';
  demoTraffic: boolean;
  /** Everything runs and records what it would send; nothing is posted. */
  dryRun: boolean;
  /** Start with sending paused (the kill switch); `earshot resume` releases it. */
  paused: boolean;
  jitterMs: number;
  watchdogIntervalMs: number;
  /** How often the engagement watch re-reads X counts of open complaints of the last 24 h; 0 is off. */
  engagementWatchIntervalMs: number;
  /** Post lookups (of up to 100 posts) per engagement-watch run. */
  engagementWatchMaxRequests: number;
  /** Address the desk and API listen on. */
  host: string;
  deskBaseUrl: string;
  desk: {
    /** When set, Prometheus must send `Authorization: Bearer <token>` to scrape /metrics. */
    metricsToken: string | null;
    /** Bull Board for admins at /admin/queues. */
    bullBoard: boolean;
  };
  notify: {
    slackWebhookUrl: string | null;
    webhookUrl: string | null;
    webhookSecret: string | null;
  };
  x: {
    credentials: XCredentials | null;
    baseUrl: string | null;
    brandHandle: string | null;
    pollIntervalMs: number;
    searchIntervalMs: number;
    searchQueries: string[];
  };
  appStore: {
    appId: string | null;
    /** App Store Connect API keys; null reads the public RSS feed instead (no replies). */
    api: { keyId: string; issuerId: string; privateKeyPath: string } | null;
    apiBaseUrl: string | null;
    countries: string[];
    rssBaseUrl: string | null;
    pollIntervalMs: number;
  };
  googlePlay: {
    packageName: string | null;
    serviceAccountFile: string | null;
    apiBaseUrl: string | null;
    pollIntervalMs: number;
  };
  brandName: string | null;
  rulesDir: string | null;
  /** A model trained with `earshot train`; null uses the built-in classifier. */
  classifierModel: string | null;
  /** Linked from DMs (X requires a privacy policy link in support DMs). */
  privacyPolicyUrl: string | null;
  templatesDir: string | null;
  logLevel: Env['LOG_LEVEL'];
  logFormat: 'pretty' | 'json' | null;
}

function credentialsFrom(env: Env): XCredentials | null {
  const oauth1Keys = ['X_API_KEY', 'X_API_SECRET', 'X_ACCESS_TOKEN', 'X_ACCESS_SECRET'] as const;
  const present = oauth1Keys.filter((key) => env[key] !== undefined);
  if (present.length > 0 && present.length < oauth1Keys.length) {
    const missing = oauth1Keys.filter((key) => env[key] === undefined);
    throw new ConfigError(
      `Invalid configuration: ${missing.join(', ')} missing — OAuth 1.0a needs all of ${oauth1Keys.join(', ')}`,
    );
  }
  if (present.length === oauth1Keys.length && env.X_OAUTH2_USER_TOKEN !== undefined) {
    throw new ConfigError(
      'Invalid configuration: X_OAUTH2_USER_TOKEN is set as well as the OAuth 1.0a keys — set one kind of X credentials',
    );
  }
  if (present.length === oauth1Keys.length) {
    return {
      kind: 'oauth1',
      keys: {
        appKey: env.X_API_KEY ?? '',
        appSecret: env.X_API_SECRET ?? '',
        accessToken: env.X_ACCESS_TOKEN ?? '',
        accessSecret: env.X_ACCESS_SECRET ?? '',
      },
    };
  }
  if (env.X_OAUTH2_USER_TOKEN !== undefined) {
    return { kind: 'oauth2-user', token: env.X_OAUTH2_USER_TOKEN };
  }
  return null;
}

function appStoreApiFrom(env: Env): Config['appStore']['api'] {
  const keys = ['APP_STORE_KEY_ID', 'APP_STORE_ISSUER_ID', 'APP_STORE_PRIVATE_KEY_PATH'] as const;
  const present = keys.filter((key) => env[key] !== undefined);
  if (present.length === 0) {
    return null;
  }
  if (present.length < keys.length) {
    const missing = keys.filter((key) => env[key] === undefined);
    throw new ConfigError(
      `Invalid configuration: ${missing.join(', ')} missing — the App Store Connect API needs all of ${keys.join(', ')}`,
    );
  }
  return {
    keyId: env.APP_STORE_KEY_ID ?? '',
    issuerId: env.APP_STORE_ISSUER_ID ?? '',
    privateKeyPath: env.APP_STORE_PRIVATE_KEY_PATH ?? '',
  };
}

function describeValue(raw: Record<string, string | undefined>, key: string): string {
  const value = raw[key];
  if (value === undefined) {
    return 'missing';
  }
  if (/SECRET|TOKEN|KEY/.test(key)) {
    return 'got a value that is not shown';
  }
  return `got ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
}

/** Parse the environment (treating empty strings as unset) into a frozen Config, or throw one ConfigError line. */
export function parseConfig(rawEnv: Record<string, string | undefined>): Readonly<Config> {
  const raw: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(rawEnv)) {
    raw[key] = value === undefined || value.trim() === '' ? undefined : value.trim();
  }
  const parsed = Env.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(
      `Invalid configuration: ${key} ${issue?.message ?? 'is invalid'} (${describeValue(raw, key)})`,
    );
  }
  const env = parsed.data;
  const credentials = credentialsFrom(env);
  const appStoreApi = appStoreApiFrom(env);
  const playConfigured = env.GOOGLE_PLAY_SERVICE_ACCOUNT_FILE !== undefined;
  if (playConfigured !== (env.GOOGLE_PLAY_PACKAGE_NAME !== undefined)) {
    throw new ConfigError(
      'Invalid configuration: GOOGLE_PLAY_PACKAGE_NAME and GOOGLE_PLAY_SERVICE_ACCOUNT_FILE go together — set both or neither',
    );
  }
  const appStoreConfigured = appStoreApi !== null || env.APP_STORE_COUNTRIES !== undefined;
  if (appStoreConfigured && env.APP_STORE_APP_ID === undefined) {
    throw new ConfigError(
      'Invalid configuration: APP_STORE_APP_ID missing — the App Store source needs the app id',
    );
  }
  // Sandbox mode only when no platform is configured at all: a half-live, half-fake setup would mislead.
  const mode =
    credentials === null && appStoreApi === null && !appStoreConfigured && !playConfigured
      ? 'sandbox'
      : 'live';
  const config: Config = {
    redisUrl: env.REDIS_URL,
    prefix: env.EARSHOT_PREFIX,
    port: env.PORT,
    sandboxPort: env.SANDBOX_PORT,
    mode,
    demoTraffic: env.DEMO_TRAFFIC,
    // Safe by default against the real platform; the sandbox posts for real so the loop is visible.
    dryRun: env.DRY_RUN ?? mode === 'live',
    paused: env.PAUSED,
    // Live replies get a human-looking spread; the sandbox shows the loop without waiting.
    jitterMs: env.REPLY_JITTER_MS ?? (mode === 'live' ? 20_000 : 0),
    watchdogIntervalMs: env.WATCHDOG_INTERVAL_MS,
    engagementWatchIntervalMs: env.ENGAGEMENT_WATCH_INTERVAL_MS,
    engagementWatchMaxRequests: env.ENGAGEMENT_WATCH_MAX_REQUESTS,
    host: env.HOST,
    deskBaseUrl: env.DESK_BASE_URL ?? `http://${env.HOST}:${env.PORT}`,
    desk: { metricsToken: env.DESK_METRICS_TOKEN ?? null, bullBoard: env.DESK_BULL_BOARD },
    notify: {
      slackWebhookUrl: env.SLACK_WEBHOOK_URL ?? null,
      webhookUrl: env.NOTIFY_WEBHOOK_URL ?? null,
      webhookSecret: env.NOTIFY_WEBHOOK_SECRET ?? null,
    },
    x: {
      credentials,
      baseUrl: env.X_API_BASE_URL ?? null,
      brandHandle: env.X_BRAND_HANDLE ?? null,
      // The sandbox has no cost or real limits to respect, so the demo loop polls faster.
      pollIntervalMs: env.X_POLL_INTERVAL_MS ?? (mode === 'live' ? 15_000 : 3000),
      searchIntervalMs: env.X_SEARCH_INTERVAL_MS,
      searchQueries: (env.X_SEARCH_QUERIES ?? '')
        .split(';')
        .map((query) => query.trim())
        .filter((query) => query.length > 0),
    },
    appStore: {
      appId: env.APP_STORE_APP_ID ?? (mode === 'sandbox' ? '1234567890' : null),
      api: appStoreApi,
      apiBaseUrl: env.APP_STORE_API_BASE_URL ?? null,
      countries: (env.APP_STORE_COUNTRIES ?? (mode === 'sandbox' ? 'us,gb' : ''))
        .split(',')
        .map((country) => country.trim().toLowerCase())
        .filter((country) => country.length > 0),
      rssBaseUrl: env.APP_STORE_RSS_BASE_URL ?? null,
      pollIntervalMs: env.APP_STORE_POLL_INTERVAL_MS ?? (mode === 'live' ? 300_000 : 5000),
    },
    googlePlay: {
      packageName: env.GOOGLE_PLAY_PACKAGE_NAME ?? (mode === 'sandbox' ? 'com.acme.app' : null),
      serviceAccountFile: env.GOOGLE_PLAY_SERVICE_ACCOUNT_FILE ?? null,
      apiBaseUrl: env.GOOGLE_PLAY_API_BASE_URL ?? null,
      pollIntervalMs: env.GOOGLE_PLAY_POLL_INTERVAL_MS ?? (mode === 'live' ? 300_000 : 5000),
    },
    brandName: env.BRAND_NAME ?? null,
    rulesDir: env.RULES_DIR ?? null,
    classifierModel: env.CLASSIFIER_MODEL ?? null,
    privacyPolicyUrl: env.PRIVACY_POLICY_URL ?? null,
    templatesDir: env.TEMPLATES_DIR ?? null,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT ?? null,
  };
  if ((config.notify.webhookUrl === null) !== (config.notify.webhookSecret === null)) {
    throw new ConfigError(
      'Invalid configuration: NOTIFY_WEBHOOK_URL and NOTIFY_WEBHOOK_SECRET go together — set both or neither',
    );
  }
  for (const query of config.x.searchQueries) {
    if (query.length > 512) {
      throw new ConfigError(
        `Invalid configuration: X_SEARCH_QUERIES has a query of ${query.length} characters; X allows 512`,
      );
    }
  }
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) {
      deepFreeze(inner);
    }
    Object.freeze(value);
  }
  return value;
}
