import { Redis } from 'ioredis';
import { createApp, type App, type AppDeps } from '../../src/app.js';
import { loadClassifierRules } from '../../src/config/rules.js';
import { loadTemplates } from '../../src/config/templates.js';
import { createClassifier } from '../../src/core/classify/index.js';
import { loadPolicy } from '../../src/config/policy.js';
import type { Policy } from '../../src/core/policy/index.js';
import { createXDm } from '../../src/responders/x-dm/index.js';
import type { Notifier } from '../../src/responders/notify/types.js';
import { draftReply } from '../../src/core/draft.js';
import { packageRoot } from '../../src/lib/package-root.js';
import { createXClient } from '../../src/lib/x-client.js';
import { createRedisConnection } from '../../src/queue/connection.js';
import { createXPublicReply } from '../../src/responders/x-public-reply/index.js';
import type { DmResponder, PublicReplyResponder } from '../../src/responders/types.js';
import {
  SANDBOX_X_CREDENTIALS,
  startXSandbox,
  type XSandbox,
  type XSandboxOptions,
} from '../../src/sandbox/x/index.js';
import { createXMentionsSource } from '../../src/sources/x-mentions/index.js';
import { createXSearchSource } from '../../src/sources/x-search/index.js';
import { createXEngagementLookup } from '../../src/sources/x-shared/lookup.js';
import { wireAppStore } from '../../src/compose/app-store.js';
import { wireGooglePlay } from '../../src/compose/google-play.js';
import type { PlatformWiring } from '../../src/compose/types.js';
import { parseConfig } from '../../src/config/env.js';
import { captureLogs, type CapturedLog } from './log-capture.js';
import { deletePrefix, REDIS_URL, uniquePrefix } from './redis.js';

export const BRAND = { id: '1700000000000000001', handle: 'acme', name: 'Acme' };

const root = packageRoot();
const rules = loadClassifierRules(`${root}/rules`);
const templates = loadTemplates(`${root}/templates`);
/** The shipped policy without quiet hours, so tests behave the same at any hour; tests that need them add them. */
const shippedPolicy: Policy = { ...loadPolicy(`${root}/rules`), quietHours: null };

/** Nothing listens on port 1: a client aimed here is refused before any platform could take the request. */
export const UNREACHABLE_URL = 'http://127.0.0.1:1';

/** The X public-reply responder as main.ts builds it for the brand, talking to `baseUrl` with `keys`. */
export function xReplyResponder(
  baseUrl: string,
  keys = SANDBOX_X_CREDENTIALS,
): PublicReplyResponder {
  const client = createXClient({ kind: 'oauth1', keys }, baseUrl);
  return createXPublicReply({ client: client.readWrite, brandId: BRAND.id, now: Date.now });
}

export interface HarnessOptions {
  clock?: () => number;
  sandbox?: Partial<Omit<XSandboxOptions, 'brand'>>;
  searchQueries?: string[];
  dryRun?: boolean;
  /** Wraps each real public-reply responder (X, and the stores with `stores`), e.g. to simulate a process dying mid-call. */
  wrapResponder?: (real: PublicReplyResponder) => PublicReplyResponder;
  /** The same for the X DM channel. */
  wrapDmResponder?: (real: DmResponder) => DmResponder;
  draft?: AppDeps['draft'];
  policy?: (shipped: Policy) => Policy;
  budgets?: AppDeps['budgets'];
  /** Also run the App Store and Google Play sandboxes, wired exactly as sandbox mode wires them. */
  stores?: boolean;
  notifiers?: Notifier[];
  privacyUrl?: string | null;
  workers?: AppDeps['workers'];
  /** The classifier (default: the built-in over the shipped rules), e.g. a trained model as main.ts wires it. */
  classify?: AppDeps['classify'];
}

export interface Harness {
  prefix: string;
  sandbox: XSandbox;
  app: App;
  logs: CapturedLog[];
  redis: Redis;
  /** Builds a new app over the same Redis prefix and sandbox, as a restarted process would. */
  newApp(overrides?: Partial<HarnessOptions>): App;
  mention(
    text: string,
    author?: Record<string, unknown>,
    extra?: Record<string, unknown>,
  ): Promise<string>;
  post(
    text: string,
    author?: Record<string, unknown>,
    extra?: Record<string, unknown>,
  ): Promise<string>;
  /** Sets a post's reposts and likes in the sandbox, as if people had shared it since it was polled. */
  setMetrics(
    postId: string,
    metrics: { retweet_count?: number; like_count?: number },
  ): Promise<void>;
  /** Sandbox URLs of the stores, by platform ('app-store', 'google-play'), when `stores` is on. */
  storeUrls: Record<string, string>;
  brandPosts(): Promise<
    Array<{ id: string; text: string; in_reply_to_tweet_id: string | null; created_at: string }>
  >;
  close(): Promise<void>;
}

async function adminPost(sandbox: XSandbox, path: string, body: unknown): Promise<string> {
  const response = await fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) {
    throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  }
  return ((await response.json()) as { id: string }).id;
}

/** The real thing, wired as main.ts wires it: sandbox over HTTP, real client, real Redis, own prefix. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const prefix = uniquePrefix();
  const clock = options.clock ?? Date.now;
  const sandbox = await startXSandbox({
    brand: { id: BRAND.id, username: BRAND.handle, name: BRAND.name },
    port: 0,
    now: clock,
    ...options.sandbox,
  });
  const { logger, lines } = captureLogs();
  const client = createXClient({ kind: 'oauth1', keys: SANDBOX_X_CREDENTIALS }, sandbox.url);
  const redis = new Redis(REDIS_URL);
  const apps: App[] = [];
  const storeWirings: PlatformWiring[] = [];
  if (options.stores) {
    const config = parseConfig({ SANDBOX_PORT: '0' });
    for (const wiring of [
      await wireAppStore(config, logger),
      await wireGooglePlay(config, logger),
    ]) {
      if (wiring !== null) {
        storeWirings.push(wiring);
      }
    }
  }

  function newApp(overrides: Partial<HarnessOptions> = {}): App {
    const merged = { ...options, ...overrides };
    const real = createXPublicReply({ client: client.readWrite, brandId: BRAND.id, now: clock });
    const realDm = createXDm({ client: client.readWrite, brandId: BRAND.id, now: clock });
    const searchQueries = merged.searchQueries ?? [];
    const app = createApp({
      prefix,
      logger,
      connect: (role) => createRedisConnection(REDIS_URL, role, logger),
      now: () => new Date(clock()),
      dryRun: merged.dryRun ?? false,
      brand: BRAND,
      policy: merged.policy ? merged.policy(shippedPolicy) : shippedPolicy,
      privacyUrlConfigured: merged.privacyUrl !== null,
      dmResponders: [merged.wrapDmResponder?.(realDm) ?? realDm],
      notifiers: merged.notifiers ?? [],
      deskBaseUrl: 'http://desk.test',
      jitterMs: 0,
      engagementLookup: createXEngagementLookup({
        client: client.readOnly,
        brand: BRAND,
        now: clock,
      }),
      budgets: merged.budgets ?? {
        'x:post': { capacity: 1000, refillTokens: 1000, refillEveryMs: 900_000 },
      },
      classify: merged.classify ?? createClassifier(rules),
      draft:
        merged.draft ??
        ((input) =>
          draftReply(templates, {
            ...input,
            brand: {
              name: BRAND.name,
              handle: BRAND.handle,
              privacyUrl: merged.privacyUrl ?? 'https://acme.test/privacy',
            },
          })),
      sources: [
        {
          source: createXMentionsSource({
            client: client.readOnly,
            brand: BRAND,
            logger,
            now: clock,
          }),
          everyMs: 3_600_000,
        },
        ...(searchQueries.length > 0
          ? [
              {
                source: createXSearchSource({
                  client: client.readOnly,
                  brand: BRAND,
                  queries: searchQueries,
                  logger,
                  now: clock,
                }),
                everyMs: 3_600_000,
              },
            ]
          : []),
        ...storeWirings.flatMap((wiring) => wiring.sources),
      ],
      responders: [real, ...storeWirings.flatMap((wiring) => wiring.responders)].map(
        (responder) => merged.wrapResponder?.(responder) ?? responder,
      ),
      ...(merged.workers ? { workers: merged.workers } : {}),
    });
    apps.push(app);
    return app;
  }

  const app = newApp();
  return {
    prefix,
    sandbox,
    app,
    logs: lines,
    redis,
    newApp,
    mention: (text, author = { username: 'sam', name: 'Sam Rivera' }, extra = {}) =>
      adminPost(sandbox, '/__sandbox/x/mentions', { text, author, lang: 'en', ...extra }),
    post: (text, author = { username: 'kim', name: 'Kim' }, extra = {}) =>
      adminPost(sandbox, '/__sandbox/x/posts', { text, author, lang: 'en', ...extra }),
    async setMetrics(postId, metrics) {
      const response = await fetch(`${sandbox.url}/__sandbox/x/posts/${postId}/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(metrics),
      });
      if (response.status !== 200) {
        throw new Error(`setting metrics answered ${response.status}: ${await response.text()}`);
      }
    },
    async brandPosts() {
      const response = await fetch(`${sandbox.url}/__sandbox/x/posts?by=brand`);
      return (
        (await response.json()) as {
          data: Array<{
            id: string;
            text: string;
            in_reply_to_tweet_id: string | null;
            created_at: string;
          }>;
        }
      ).data;
    },
    storeUrls: Object.fromEntries(
      storeWirings.map((wiring) => [wiring.name, wiring.sandboxUrl ?? '']),
    ),
    async close() {
      for (const each of apps) {
        await each.stop().catch(() => undefined);
      }
      for (const wiring of storeWirings) {
        await wiring.close();
      }
      await sandbox.close();
      redis.disconnect();
      await deletePrefix(prefix);
    },
  };
}
