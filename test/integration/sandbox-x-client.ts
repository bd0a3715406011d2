import http from 'node:http';

import { TwitterApiRateLimitPlugin } from '@twitter-api-v2/plugin-rate-limit';
import { TwitterApi, type ITwitterApiClientPlugin, type TwitterApiTokens } from 'twitter-api-v2';

import {
  SANDBOX_X_APP_BEARER,
  SANDBOX_X_CREDENTIALS,
  SANDBOX_X_USER_TOKEN,
  type XSandbox,
} from '../../src/sandbox/x/index.js';

export const BRAND = { id: '1590000000000000001', username: 'acme', name: 'Acme Support' };

export type ClientAuth =
  'oauth1' | 'user-bearer' | 'app-bearer' | { bearer: string } | TwitterApiTokens;

/** The real twitter-api-v2 client pointed at the sandbox with the platform-facts §3.2 recipe. */
export function sandboxClient(
  sandbox: XSandbox,
  auth: ClientAuth = 'oauth1',
): { client: TwitterApi; rateLimits: TwitterApiRateLimitPlugin } {
  const redirect: ITwitterApiClientPlugin = {
    onBeforeRequestConfig({ params }) {
      params.url = params.url.replace(/^https:\/\/(api|upload)\.(x|twitter)\.com/, sandbox.url);
    },
  };
  const rateLimits = new TwitterApiRateLimitPlugin();
  const settings = {
    httpAgent: new http.Agent({ keepAlive: false }),
    plugins: [redirect, rateLimits],
  };
  if (auth === 'oauth1') {
    return { client: new TwitterApi({ ...SANDBOX_X_CREDENTIALS }, settings), rateLimits };
  }
  if (auth === 'user-bearer') {
    return { client: new TwitterApi(SANDBOX_X_USER_TOKEN, settings), rateLimits };
  }
  if (auth === 'app-bearer') {
    return { client: new TwitterApi(SANDBOX_X_APP_BEARER, settings), rateLimits };
  }
  if ('bearer' in auth) {
    return { client: new TwitterApi(auth.bearer, settings), rateLimits };
  }
  return { client: new TwitterApi(auth, settings), rateLimits };
}

export interface MentionSeed {
  text: string;
  author: {
    username: string;
    name?: string;
    followers_count?: number;
    verified?: boolean;
    accepts_dms?: boolean;
  };
  lang?: string;
  in_reply_to_tweet_id?: string;
  created_at?: string;
  quote_of_brand_post?: boolean;
}

export async function admin<T = unknown>(
  sandbox: XSandbox,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${sandbox.url}/__sandbox/x${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export async function seedMention(
  sandbox: XSandbox,
  seed: MentionSeed,
): Promise<{ id: string; author_id: string }> {
  const response = await admin<{ id: string; author_id: string }>(
    sandbox,
    'POST',
    '/mentions',
    seed,
  );
  if (response.status !== 201) {
    throw new Error(`seeding a mention failed: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

export async function seedPost(
  sandbox: XSandbox,
  seed: MentionSeed,
): Promise<{ id: string; author_id: string }> {
  const response = await admin<{ id: string; author_id: string }>(sandbox, 'POST', '/posts', seed);
  if (response.status !== 201) {
    throw new Error(`seeding a post failed: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}
