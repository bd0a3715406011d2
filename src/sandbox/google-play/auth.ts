import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';

import { jsonResponse, type SandboxHttpRequest, type SandboxHttpResponse } from '../shared/http.js';
import {
  insufficientScopes,
  invalidCredentials,
  missingCredentials,
  tokenError,
} from './errors.js';
import { newAccessToken, type PlayState, type ServiceAccountRecord } from './state.js';

export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const ANDROID_PUBLISHER_SCOPE = 'https://www.googleapis.com/auth/androidpublisher';
/** Google's access tokens last an hour; the token endpoint answers `expires_in: 3599`. */
export const ACCESS_TOKEN_SECONDS = 3599;
const MAX_ASSERTION_SECONDS = 3600;

const TIMEFRAME =
  'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.';
const BAD_SIGNATURE = 'Invalid JWT Signature.';

function formFields(request: SandboxHttpRequest): URLSearchParams {
  const type = request.headers['content-type'] ?? '';
  if (/^application\/json\s*(;|$)/i.test(type)) {
    try {
      const value = JSON.parse(request.body) as Record<string, unknown>;
      const fields = new URLSearchParams();
      for (const [key, field] of Object.entries(value)) {
        if (typeof field === 'string') {
          fields.set(key, field);
        }
      }
      return fields;
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(request.body);
}

function findAccount(state: PlayState, assertion: string): ServiceAccountRecord | undefined {
  const { kid } = decodeProtectedHeader(assertion);
  if (typeof kid === 'string') {
    return state.accounts.get(kid);
  }
  const { iss } = decodeJwt(assertion);
  for (const account of state.accounts.values()) {
    if (account.clientEmail === iss) {
      return account;
    }
  }
  return undefined;
}

/**
 * POST /token: the OAuth 2.0 JWT bearer grant as Google's token endpoint answers it. `audiences` are the
 * token_uri values the sandbox accepts as `aud` (its own /token URL, by address and by Host header).
 */
export async function handleToken(
  state: PlayState,
  request: SandboxHttpRequest,
  audiences: readonly string[],
  now: number,
): Promise<SandboxHttpResponse> {
  const fields = formFields(request);
  const grantType = fields.get('grant_type');
  if (grantType !== JWT_BEARER_GRANT_TYPE) {
    return tokenError('unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
  }
  const assertion = fields.get('assertion');
  if (assertion === null || assertion === '') {
    return tokenError('invalid_request', 'Missing required parameter: assertion');
  }

  let account: ServiceAccountRecord | undefined;
  try {
    if (decodeProtectedHeader(assertion).alg !== 'RS256') {
      return tokenError('invalid_grant', BAD_SIGNATURE);
    }
    account = findAccount(state, assertion);
  } catch {
    return tokenError('invalid_grant', 'Invalid JWT: the assertion is not a well-formed JWT.');
  }
  if (account === undefined) {
    return tokenError('invalid_grant', 'Invalid grant: account not found');
  }

  let claims: Record<string, unknown>;
  try {
    const verified = await jwtVerify(assertion, account.publicKey, {
      algorithms: ['RS256'],
      currentDate: new Date(now),
    });
    claims = verified.payload;
  } catch (error) {
    if (
      error instanceof joseErrors.JWTExpired ||
      error instanceof joseErrors.JWTClaimValidationFailed
    ) {
      return tokenError('invalid_grant', TIMEFRAME);
    }
    return tokenError('invalid_grant', BAD_SIGNATURE);
  }

  if (claims.iss !== account.clientEmail) {
    return tokenError('invalid_grant', 'Invalid grant: account not found');
  }
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.some((value) => typeof value === 'string' && audiences.includes(value))) {
    return tokenError(
      'invalid_grant',
      `Invalid JWT: Failed audience check. The right audience is ${audiences[0] ?? ''}`,
    );
  }
  const { iat, exp } = claims;
  const nowSeconds = Math.floor(now / 1000);
  if (
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    exp - iat > MAX_ASSERTION_SECONDS ||
    exp <= nowSeconds ||
    iat > nowSeconds + 60
  ) {
    return tokenError('invalid_grant', TIMEFRAME);
  }
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
  if (scopes.length === 0) {
    return tokenError('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
  }

  const accessToken = newAccessToken();
  state.tokens.set(accessToken, {
    clientEmail: account.clientEmail,
    scopes,
    expiresAt: now + ACCESS_TOKEN_SECONDS * 1000,
  });
  return jsonResponse(200, {
    access_token: accessToken,
    expires_in: ACCESS_TOKEN_SECONDS,
    token_type: 'Bearer',
  });
}

/** Checks `Authorization: Bearer <access token>`; the failure is the answer to send. */
export function authenticate(
  state: PlayState,
  authorization: string | undefined,
  now: number,
): { ok: true } | { ok: false; response: SandboxHttpResponse } {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) {
    return { ok: false, response: missingCredentials() };
  }
  const token = state.tokens.get(match[1]);
  if (token === undefined || now >= token.expiresAt) {
    return { ok: false, response: invalidCredentials() };
  }
  if (!token.scopes.includes(ANDROID_PUBLISHER_SCOPE)) {
    return { ok: false, response: insufficientScopes() };
  }
  return { ok: true };
}
