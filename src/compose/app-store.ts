import type { Config } from '../config/env.js';
import { createAppleTokenProvider, loadAppleKey } from '../lib/apple-jwt.js';
import type { Logger } from '../lib/logger.js';
import { createAppStoreResponder } from '../responders/app-store-response/index.js';
import { createSandboxAppleKeys, startAppStoreSandbox } from '../sandbox/app-store/index.js';
import { createAppStoreSource } from '../sources/app-store/index.js';
import { createAppStoreRssSource } from '../sources/app-store-rss/index.js';
import type { PlatformWiring } from './types.js';

/**
 * App Store: the App Store Connect API with keys (reviews and responses); without keys the public RSS
 * feed, read-only (its review ids cannot be answered, so those cases go to people); the sandbox in
 * sandbox mode.
 */
export async function wireAppStore(
  config: Readonly<Config>,
  logger: Logger,
): Promise<PlatformWiring | null> {
  const nowMs = () => Date.now();
  const { appStore } = config;
  const log = logger.child({ component: 'app-store' });
  if (config.mode === 'sandbox') {
    const keys = await createSandboxAppleKeys();
    const appId = appStore.appId ?? '1234567890';
    const sandbox = await startAppStoreSandbox({
      appId,
      issuerId: keys.issuerId,
      keyId: keys.keyId,
      publicKey: keys.publicKeyPem,
      port: config.sandboxPort === 0 ? 0 : config.sandboxPort + 1,
      publishDelayMs: 10_000,
    });
    const tokens = createAppleTokenProvider({
      keyId: keys.keyId,
      issuerId: keys.issuerId,
      privateKeyPem: keys.privateKeyPem,
    });
    return {
      name: 'app-store',
      sources: [
        {
          source: createAppStoreSource({
            baseUrl: sandbox.url,
            appId,
            tokens,
            now: nowMs,
            logger: log,
          }),
          everyMs: appStore.pollIntervalMs,
        },
      ],
      responders: [createAppStoreResponder({ baseUrl: sandbox.url, tokens, now: nowMs })],
      dmResponders: [],
      sandboxUrl: sandbox.url,
      close: () => sandbox.close(),
    };
  }
  if (appStore.appId === null) {
    return null;
  }
  if (appStore.api !== null) {
    const tokens = createAppleTokenProvider({
      keyId: appStore.api.keyId,
      issuerId: appStore.api.issuerId,
      privateKeyPem: await loadAppleKey(appStore.api.privateKeyPath),
    });
    const baseUrl = appStore.apiBaseUrl ?? undefined;
    return {
      name: 'app-store',
      sources: [
        {
          source: createAppStoreSource({
            ...(baseUrl ? { baseUrl } : {}),
            appId: appStore.appId,
            tokens,
            now: nowMs,
            logger: log,
          }),
          everyMs: appStore.pollIntervalMs,
        },
      ],
      responders: [
        createAppStoreResponder({ ...(baseUrl ? { baseUrl } : {}), tokens, now: nowMs }),
      ],
      dmResponders: [],
      sandboxUrl: null,
      close: async () => undefined,
    };
  }
  const rssBaseUrl = appStore.rssBaseUrl ?? undefined;
  return {
    name: 'app-store',
    sources: [
      {
        source: createAppStoreRssSource({
          ...(rssBaseUrl ? { baseUrl: rssBaseUrl } : {}),
          appId: appStore.appId,
          countries: appStore.countries,
          now: nowMs,
          logger: log,
        }),
        everyMs: appStore.pollIntervalMs,
      },
    ],
    responders: [],
    dmResponders: [],
    sandboxUrl: null,
    close: async () => undefined,
  };
}
