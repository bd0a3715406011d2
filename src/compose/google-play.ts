import type { Config } from '../config/env.js';
import {
  createGoogleTokenProvider,
  loadServiceAccount,
  parseServiceAccount,
} from '../lib/google-auth.js';
import type { Logger } from '../lib/logger.js';
import { createPlayReplyResponder } from '../responders/play-reply/index.js';
import {
  createSandboxServiceAccount,
  startGooglePlaySandbox,
} from '../sandbox/google-play/index.js';
import { createGooglePlaySource, GOOGLE_PLAY_API_BASE_URL } from '../sources/google-play/index.js';
import type { PlatformWiring } from './types.js';

/** Google Play: androidpublisher v3 with a service account, or the sandbox in sandbox mode. */
export async function wireGooglePlay(
  config: Readonly<Config>,
  logger: Logger,
): Promise<PlatformWiring | null> {
  const nowMs = () => Date.now();
  const { googlePlay } = config;
  const log = logger.child({ component: 'google-play' });
  let baseUrl = googlePlay.apiBaseUrl ?? GOOGLE_PLAY_API_BASE_URL;
  let sandbox: Awaited<ReturnType<typeof startGooglePlaySandbox>> | null = null;
  let key: ReturnType<typeof parseServiceAccount>;
  if (config.mode === 'sandbox') {
    sandbox = await startGooglePlaySandbox({
      packageName: googlePlay.packageName ?? 'com.acme.app',
      port: config.sandboxPort === 0 ? 0 : config.sandboxPort + 2,
    });
    baseUrl = sandbox.url;
    key = parseServiceAccount(await createSandboxServiceAccount(sandbox.url), 'sandbox');
  } else if (googlePlay.serviceAccountFile !== null && googlePlay.packageName !== null) {
    key = await loadServiceAccount(googlePlay.serviceAccountFile);
  } else {
    return null;
  }
  const packageName = googlePlay.packageName ?? 'com.acme.app';
  // One token provider for the poller and the responder, so both share the cached OAuth token.
  const tokens = createGoogleTokenProvider({ ...key, now: nowMs });
  return {
    name: 'google-play',
    sources: [
      {
        source: createGooglePlaySource({
          baseUrl,
          packageName,
          tokens,
          now: nowMs,
          logger: log,
        }),
        everyMs: googlePlay.pollIntervalMs,
      },
    ],
    responders: [
      createPlayReplyResponder({
        baseUrl,
        packageName,
        tokens,
        now: nowMs,
      }),
    ],
    dmResponders: [],
    sandboxUrl: sandbox?.url ?? null,
    close: async () => {
      await sandbox?.close();
    },
  };
}
