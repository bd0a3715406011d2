import {
  SANDBOX_X_APP_BEARER,
  SANDBOX_X_CREDENTIALS,
  SANDBOX_X_USER_TOKEN,
} from './credentials.js';
import { verifyOAuth1 } from './oauth1.js';

export type AuthResult =
  | { kind: 'user'; scheme: 'oauth1' | 'oauth2-user' }
  | { kind: 'app' }
  | { kind: 'rejected'; reason: string };

/**
 * Who is calling. Every user-context credential the sandbox accepts belongs to the brand account;
 * anything unknown is rejected (→ 401, as X does for bad or missing auth).
 */
export function authenticate(input: {
  method: string;
  url: URL;
  authorization: string | undefined;
}): AuthResult {
  const header = input.authorization?.trim();
  if (!header) {
    return { kind: 'rejected', reason: 'no Authorization header' };
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) {
    if (bearer[1] === SANDBOX_X_USER_TOKEN) {
      return { kind: 'user', scheme: 'oauth2-user' };
    }
    if (bearer[1] === SANDBOX_X_APP_BEARER) {
      return { kind: 'app' };
    }
    return { kind: 'rejected', reason: 'unknown bearer token' };
  }
  if (/^OAuth\s/i.test(header)) {
    const verdict = verifyOAuth1(
      { method: input.method, url: input.url, authorization: header },
      {
        consumerKey: SANDBOX_X_CREDENTIALS.appKey,
        consumerSecret: SANDBOX_X_CREDENTIALS.appSecret,
        token: SANDBOX_X_CREDENTIALS.accessToken,
        tokenSecret: SANDBOX_X_CREDENTIALS.accessSecret,
      },
    );
    if (!verdict.ok) {
      return { kind: 'rejected', reason: `OAuth 1.0a: ${verdict.reason}` };
    }
    return { kind: 'user', scheme: 'oauth1' };
  }
  return { kind: 'rejected', reason: 'unsupported Authorization scheme' };
}
