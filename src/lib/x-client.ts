import http from 'node:http';
import { TwitterApi, type ITwitterApiClientPlugin } from 'twitter-api-v2';
import type { XCredentials } from '../config/env.js';

/**
 * Builds the real twitter-api-v2 client. twitter-api-v2 has no base-URL option, so a plugin rewrites
 * https://api.x.com to `baseUrl` before the request is signed (platform-facts §3.2). For http:// base URLs
 * (the sandbox on loopback) an http.Agent is required: the library always calls https.request.
 */
export function createXClient(credentials: XCredentials, baseUrl: string | null): TwitterApi {
  const plugins: ITwitterApiClientPlugin[] = [];
  let httpAgent: http.Agent | undefined;
  if (baseUrl !== null) {
    const target = baseUrl.replace(/\/+$/, '');
    plugins.push({
      onBeforeRequestConfig({ params }) {
        params.url = params.url.replace(/^https:\/\/(api|upload)\.(x|twitter)\.com/, target);
      },
    });
    if (target.startsWith('http://')) {
      httpAgent = new http.Agent({ keepAlive: true });
    }
  }
  const settings = { plugins, ...(httpAgent ? { httpAgent } : {}) };
  if (credentials.kind === 'oauth1') {
    return new TwitterApi({ ...credentials.keys }, settings);
  }
  return new TwitterApi(credentials.token, settings);
}
