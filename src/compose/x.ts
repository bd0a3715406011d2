import type { Config } from '../config/env.js';
import type { Logger } from '../lib/logger.js';
import { createXClient } from '../lib/x-client.js';
import { createXDm } from '../responders/x-dm/index.js';
import { createXPublicReply } from '../responders/x-public-reply/index.js';
import { SANDBOX_X_CREDENTIALS, startXSandbox } from '../sandbox/x/index.js';
import { createXMentionsSource } from '../sources/x-mentions/index.js';
import { createXSearchSource } from '../sources/x-search/index.js';
import { createXEngagementLookup } from '../sources/x-shared/lookup.js';
import type { EngagementLookup } from '../sources/types.js';
import type { PlatformWiring } from './types.js';

/** The sandbox brand account, used when no X credentials are configured. */
const SANDBOX_BRAND_ID = '1700000000000000001';

export interface XWiring extends PlatformWiring {
  brand: { id: string; handle: string; name: string };
  /** Post lookup for the engagement watch, on the read-only client. */
  engagementLookup: EngagementLookup;
}

/**
 * X: the sandbox on loopback in sandbox mode, the real API with credentials. Either way the real
 * twitter-api-v2 client is used; only the base URL differs. Pollers get the read-only client.
 */
export async function wireX(config: Readonly<Config>, logger: Logger): Promise<XWiring | null> {
  const nowMs = () => Date.now();
  let brand: XWiring['brand'];
  let client: ReturnType<typeof createXClient>;
  let searchQueries = config.x.searchQueries;
  let sandbox: Awaited<ReturnType<typeof startXSandbox>> | null = null;
  if (config.x.credentials === null) {
    if (config.mode === 'live') {
      return null;
    }
    const handle = config.x.brandHandle ?? 'acme';
    brand = { id: SANDBOX_BRAND_ID, handle, name: config.brandName ?? 'Acme' };
    sandbox = await startXSandbox({
      brand: { id: brand.id, username: handle, name: brand.name },
      port: config.sandboxPort,
      logger: logger.child({ component: 'sandbox-x' }),
    });
    client = createXClient({ kind: 'oauth1', keys: SANDBOX_X_CREDENTIALS }, sandbox.url);
    if (searchQueries.length === 0) {
      searchQueries = [`${handle} -is:retweet`];
    }
  } else {
    client = createXClient(config.x.credentials, config.x.baseUrl);
    const me = await client.v2.me();
    if (
      config.x.brandHandle !== null &&
      me.data.username.toLowerCase() !== config.x.brandHandle.toLowerCase()
    ) {
      throw new Error(
        `X_BRAND_HANDLE is @${config.x.brandHandle} but the X credentials belong to @${me.data.username}; fix one of them`,
      );
    }
    brand = { id: me.data.id, handle: me.data.username, name: config.brandName ?? me.data.name };
  }

  const readOnly = client.readOnly;
  const sources: PlatformWiring['sources'] = [
    {
      source: createXMentionsSource({ client: readOnly, brand, logger, now: nowMs }),
      everyMs: config.x.pollIntervalMs,
    },
  ];
  if (searchQueries.length > 0) {
    sources.push({
      source: createXSearchSource({
        client: readOnly,
        brand,
        queries: searchQueries,
        logger,
        now: nowMs,
      }),
      everyMs: config.x.searchIntervalMs,
    });
  }
  return {
    name: 'x',
    brand,
    sources,
    responders: [createXPublicReply({ client: client.readWrite, brandId: brand.id, now: nowMs })],
    dmResponders: [createXDm({ client: client.readWrite, brandId: brand.id, now: nowMs })],
    engagementLookup: createXEngagementLookup({ client: readOnly, brand, now: nowMs }),
    sandboxUrl: sandbox?.url ?? null,
    close: async () => {
      await sandbox?.close();
    },
  };
}
