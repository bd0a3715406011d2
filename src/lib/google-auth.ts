import { readFileSync } from 'node:fs';

import { importPKCS8, SignJWT, type CryptoKey } from 'jose';
import { z } from 'zod';

import { ConfigError, PlatformAuthError, TransientNetworkError } from '../errors.js';

/**
 * Google service-account auth (OAuth 2.0 JWT bearer grant, platform-facts §5.4) and one authorised JSON call to
 * a Google API, with Google's error body parsed. Plain fetch: no googleapis dependency, and any base URL.
 */

export const ANDROID_PUBLISHER_SCOPE = 'https://www.googleapis.com/auth/androidpublisher';
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/** Google accepts assertions that live at most an hour. */
const ASSERTION_LIFETIME_SECONDS = 3600;
/** Renew this long before Google's expiry, as google-auth-library does (eagerRefreshThresholdMillis). */
const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const AUTH_HINT = 'check GOOGLE_PLAY_SERVICE_ACCOUNT_FILE';

type Fetch = typeof fetch;

/** The fields of a service-account JSON key file we use; the file has more (project_id, client_id, ...). */
export const ServiceAccountKey = z.object({
  type: z
    .literal('service_account', { error: 'must be "service_account" (a service-account key file)' })
    .optional(),
  client_email: z.email({ error: 'must be the service account e-mail address' }),
  private_key: z
    .string({ error: 'must be a PEM string' })
    .regex(/-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----/, {
      error: 'must be a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)',
    }),
  private_key_id: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }),
  token_uri: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
});
export type ServiceAccountKey = z.infer<typeof ServiceAccountKey>;

/** A service account as the token provider takes it. */
export interface ServiceAccount {
  clientEmail: string;
  privateKeyPem: string;
  privateKeyId: string;
  tokenUri: string;
}

/**
 * Validates a parsed key file. `origin` names where it came from in error messages.
 *
 * @example
 * parseServiceAccount(JSON.parse(text), '/etc/earshot/play.json');
 */
export function parseServiceAccount(value: unknown, origin: string): ServiceAccount {
  const parsed = ServiceAccountKey.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') ?? '';
    const where = field === '' ? origin : `${origin}: ${field}`;
    throw new ConfigError(`${where}: ${issue?.message ?? 'is not a service-account key file'}`);
  }
  return {
    clientEmail: parsed.data.client_email,
    privateKeyPem: parsed.data.private_key,
    privateKeyId: parsed.data.private_key_id,
    tokenUri: parsed.data.token_uri,
  };
}

/** Reads and validates a service-account JSON key file; errors name the path and the field. */
export function loadServiceAccount(path: string): ServiceAccount {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError(`${path}: cannot read the service-account key file (${code})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: is not valid JSON (${(error as Error).message})`);
  }
  return parseServiceAccount(value, path);
}

const TokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().int().positive(),
  token_type: z.string().optional(),
});

const TokenErrorResponse = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});

export interface GoogleTokenProviderOptions {
  clientEmail: string;
  privateKeyPem: string;
  privateKeyId?: string;
  tokenUri: string;
  /** Default: the androidpublisher scope. */
  scope?: string;
  fetch?: Fetch;
  /** Clock in epoch ms. Default Date.now. */
  now?: () => number;
  /** Renew this long before the token expires. Default 5 minutes. */
  refreshMarginMs?: number;
}

/**
 * Access tokens for one service account, cached until `expires_in` minus a margin.
 *
 * @example
 * const tokens = createGoogleTokenProvider({ ...loadServiceAccount(path) });
 * const headers = { authorization: `Bearer ${await tokens.token()}` };
 */
export interface GoogleTokenProvider {
  token(): Promise<string>;
  /** Forgets the cached token (after a 401), so the next `token()` asks Google for a new one. */
  invalidate(): void;
}

function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') {
    return cause.code;
  }
  if (typeof cause?.message === 'string') {
    return cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** "invalid_grant: Invalid JWT Signature." from an OAuth error body, if it is one. */
function tokenRefusal(payload: unknown): string | undefined {
  const refusal = TokenErrorResponse.safeParse(payload);
  if (!refusal.success) {
    return undefined;
  }
  const { error, error_description: description } = refusal.data;
  return description ? `${error}: ${description}` : error;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function createGoogleTokenProvider(
  options: GoogleTokenProviderOptions,
): GoogleTokenProvider {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const scope = options.scope ?? ANDROID_PUBLISHER_SCOPE;
  const margin = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  let key: Promise<CryptoKey> | undefined;
  let cached: { accessToken: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function signingKey(): Promise<CryptoKey> {
    key ??= importPKCS8(options.privateKeyPem, 'RS256').catch((error: unknown) => {
      key = undefined;
      throw new PlatformAuthError(
        `The service account's private_key is not a usable RSA key (${(error as Error).message}): ${AUTH_HINT}`,
        { cause: error },
      );
    });
    return key;
  }

  async function assertion(issuedAtMs: number): Promise<string> {
    const iat = Math.floor(issuedAtMs / 1000);
    return new SignJWT({ scope })
      .setProtectedHeader({
        alg: 'RS256',
        typ: 'JWT',
        ...(options.privateKeyId ? { kid: options.privateKeyId } : {}),
      })
      .setIssuer(options.clientEmail)
      .setAudience(options.tokenUri)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ASSERTION_LIFETIME_SECONDS)
      .sign(await signingKey());
  }

  async function exchange(): Promise<string> {
    const requestedAt = now();
    const body = new URLSearchParams({
      grant_type: JWT_BEARER_GRANT_TYPE,
      assertion: await assertion(requestedAt),
    });
    let response: Response;
    try {
      response = await doFetch(options.tokenUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
        signal: AbortSignal.timeout(DEFAULT_TIMEOUT_MS),
      });
    } catch (error) {
      throw new TransientNetworkError(
        `Google token request to ${options.tokenUri} failed (${networkCause(error)})`,
        { cause: error },
      );
    }
    const payload = await readJson(response);
    if (!response.ok) {
      const detail = tokenRefusal(payload) ?? `HTTP ${response.status}`;
      if (response.status === 429 || response.status >= 500) {
        throw new TransientNetworkError(
          `Google token endpoint answered ${response.status} (${detail})`,
        );
      }
      throw new PlatformAuthError(
        `Google refused the service-account token request (${detail}): ${AUTH_HINT}`,
      );
    }
    const granted = TokenResponse.safeParse(payload);
    if (!granted.success) {
      throw new TransientNetworkError(
        `Google token endpoint answered ${response.status} without an access_token`,
      );
    }
    const lifetimeMs = granted.data.expires_in * 1000;
    cached = {
      accessToken: granted.data.access_token,
      // A margin larger than the lifetime would never cache; keep at least half of it.
      renewAt: requestedAt + Math.max(lifetimeMs - margin, lifetimeMs / 2),
    };
    return granted.data.access_token;
  }

  return {
    async token() {
      if (cached !== undefined && now() < cached.renewAt) {
        return cached.accessToken;
      }
      pending ??= exchange().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

/** Google's JSON error body: `{ error: { code, message, status, errors: [{ message, domain, reason }] } }`. */
export const GoogleErrorBody = z.object({
  error: z.object({
    code: z.number().int(),
    message: z.string().catch(''),
    status: z.string().optional().catch(undefined),
    errors: z
      .array(
        z.object({
          message: z.string().optional().catch(undefined),
          domain: z.string().optional().catch(undefined),
          reason: z.string().optional().catch(undefined),
        }),
      )
      .optional()
      .catch(undefined),
  }),
});
export type GoogleErrorBody = z.infer<typeof GoogleErrorBody>;

/** A Google API answered with a non-2xx status. Callers map it onto src/errors.ts for their operation. */
export class GoogleApiError extends Error {
  readonly status: number;
  /** Google's canonical status, e.g. 'RESOURCE_EXHAUSTED', when the body had one. */
  readonly googleStatus: string | undefined;
  readonly reason: string | undefined;
  /** From a Retry-After header, when Google sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(input: {
    status: number;
    message: string;
    googleStatus?: string | undefined;
    reason?: string | undefined;
    retryAfterMs?: number | undefined;
  }) {
    super(input.message);
    this.name = 'GoogleApiError';
    this.status = input.status;
    this.googleStatus = input.googleStatus;
    this.reason = input.reason;
    this.retryAfterMs = input.retryAfterMs;
  }

  /** "429 RESOURCE_EXHAUSTED: Quota exceeded ..." for log lines and wrapped errors. */
  describe(): string {
    const status = this.googleStatus ? `${this.status} ${this.googleStatus}` : String(this.status);
    return this.message === '' ? status : `${status}: ${this.message}`;
  }
}

function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) {
    return undefined;
  }
  if (/^\d+$/.test(header.trim())) {
    return Number(header.trim()) * 1000;
  }
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function toApiError(
  status: number,
  payload: unknown,
  headers: Headers,
  now: number,
): GoogleApiError {
  const parsed = GoogleErrorBody.safeParse(payload);
  const retryAfter = retryAfterMs(headers.get('retry-after'), now);
  if (!parsed.success) {
    return new GoogleApiError({
      status,
      message: typeof payload === 'string' ? payload.slice(0, 200) : '',
      retryAfterMs: retryAfter,
    });
  }
  return new GoogleApiError({
    status,
    message: parsed.data.error.message,
    googleStatus: parsed.data.error.status,
    reason: parsed.data.error.errors?.[0]?.reason,
    retryAfterMs: retryAfter,
  });
}

export interface GoogleApiRequest {
  tokens: GoogleTokenProvider;
  method: 'GET' | 'POST';
  url: string;
  /** Sent as JSON. */
  body?: unknown;
  fetch?: Fetch;
  signal?: AbortSignal;
  now?: () => number;
  timeoutMs?: number;
}

/**
 * One authorised call to a Google JSON API. A 401 is retried once with a fresh token (the cached one may
 * have been revoked early); any other non-2xx throws {@link GoogleApiError}. Network failures and timeouts
 * throw TransientNetworkError (the message carries the socket error code, e.g. ECONNREFUSED); token
 * failures throw what the provider throws.
 */
export async function googleApiRequest(request: GoogleApiRequest): Promise<unknown> {
  const doFetch = request.fetch ?? fetch;
  const now = request.now ?? Date.now;
  const timeout = AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;

  async function send(): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await request.tokens.token()}`,
      accept: 'application/json',
    };
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    try {
      return await doFetch(request.url, {
        method: request.method,
        headers,
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        signal,
      });
    } catch (error) {
      throw new TransientNetworkError(
        `Google API ${request.method} ${new URL(request.url).pathname} failed (${networkCause(error)})`,
        { cause: error },
      );
    }
  }

  let response = await send();
  if (response.status === 401) {
    await response.body?.cancel();
    request.tokens.invalidate();
    response = await send();
  }
  const payload = await readJson(response);
  if (!response.ok) {
    throw toApiError(response.status, payload, response.headers, now());
  }
  return payload;
}
