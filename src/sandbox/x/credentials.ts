export interface XSandboxCredentials {
  appKey: string;
  appSecret: string;
  accessToken: string;
  accessSecret: string;
}

/** OAuth 1.0a user-context keys the sandbox accepts; requests must be signed with them (HMAC-SHA1). */
export const SANDBOX_X_CREDENTIALS: XSandboxCredentials = Object.freeze({
  appKey: 'sandbox-x-app-key',
  appSecret: 'sandbox-x-app-secret',
  accessToken: 'sandbox-x-access-token',
  accessSecret: 'sandbox-x-access-secret',
});

/** An OAuth 2 user-context bearer token; it acts as the brand account. */
export const SANDBOX_X_USER_TOKEN = 'sandbox-x-oauth2-user-token';

/** An app-only bearer token: accepted where the spec allows BearerToken (mentions, search). */
export const SANDBOX_X_APP_BEARER = 'sandbox-x-app-only-bearer';
