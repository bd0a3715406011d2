import { readFile } from 'node:fs/promises';

import { importPKCS8, SignJWT, type CryptoKey } from 'jose';

import { ConfigError } from '../errors.js';

/** The `aud` every App Store Connect API token carries (platform-facts §4.4). */
export const APPLE_AUDIENCE = 'appstoreconnect-v1';

/** Apple rejects tokens that expire more than 20 minutes into the future (platform-facts §4.4). */
export const MAX_APPLE_TOKEN_LIFETIME_SECONDS = 1200;

export interface AppleTokenProviderOptions {
  /** The key's id from App Store Connect → Users and Access → Integrations (the JWT header `kid`). */
  keyId: string;
  /** The issuer id (a UUID) shown above the key list (the JWT claim `iss`). */
  issuerId: string;
  /** The contents of the downloaded `AuthKey_<keyId>.p8` file: a PKCS#8 P-256 private key. */
  privateKeyPem: string;
  /** Clock in epoch ms. Default Date.now. */
  now?: () => number;
  /** exp − iat in seconds. Default and maximum 1200. */
  lifetimeSeconds?: number;
  /** A cached token is replaced once it has less than this left. Default 60. */
  renewBeforeSeconds?: number;
}

/**
 * Signed bearer tokens for the App Store Connect API, one at a time: a token is reused until it is about to
 * expire, so a burst of calls signs once.
 *
 * @example
 * const tokens = createAppleTokenProvider({ keyId: '2X9R4HXF34', issuerId: '57246542-96fe-1a63-e053-0824d011072a', privateKeyPem });
 * await fetch(url, { headers: { authorization: `Bearer ${await tokens.token()}` } });
 */
export interface AppleTokenProvider {
  token(): Promise<string>;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

/** Creates a caching ES256 token signer. Throws ConfigError at once for lifetimes Apple would refuse. */
export function createAppleTokenProvider(options: AppleTokenProviderOptions): AppleTokenProvider {
  const now = options.now ?? Date.now;
  const lifetime = options.lifetimeSeconds ?? MAX_APPLE_TOKEN_LIFETIME_SECONDS;
  const renewBefore = options.renewBeforeSeconds ?? 60;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_APPLE_TOKEN_LIFETIME_SECONDS) {
    throw new ConfigError(
      `App Store Connect token lifetime must be a whole number of seconds from 1 to ${MAX_APPLE_TOKEN_LIFETIME_SECONDS}, got ${lifetime}`,
    );
  }
  if (!Number.isFinite(renewBefore) || renewBefore < 0 || renewBefore >= lifetime) {
    throw new ConfigError(
      `App Store Connect token renewal margin must be at least 0 and below the lifetime (${lifetime} s), got ${renewBefore}`,
    );
  }

  let key: Promise<CryptoKey> | undefined;
  let cached: CachedToken | undefined;
  let signing: Promise<string> | undefined;

  function privateKey(): Promise<CryptoKey> {
    key ??= importPKCS8(options.privateKeyPem, 'ES256').catch((error: unknown) => {
      key = undefined;
      throw new ConfigError(
        `The App Store Connect private key is not a PKCS#8 P-256 (.p8) key: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    return key;
  }

  async function sign(): Promise<string> {
    const issuedAt = Math.floor(now() / 1000);
    const expiresAt = issuedAt + lifetime;
    const value = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: options.keyId, typ: 'JWT' })
      .setIssuer(options.issuerId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setAudience(APPLE_AUDIENCE)
      .sign(await privateKey());
    cached = { value, expiresAt: expiresAt * 1000 };
    return value;
  }

  return {
    async token() {
      if (cached && now() < cached.expiresAt - renewBefore * 1000) {
        return cached.value;
      }
      signing ??= sign().finally(() => {
        signing = undefined;
      });
      return signing;
    },
  };
}

/** Reads an App Store Connect `.p8` key file; errors name the path and the config key to check. */
export async function loadAppleKey(path: string): Promise<string> {
  let contents: string;
  try {
    contents = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError(
      `Cannot read the App Store Connect private key at ${path} (${reason}): check APP_STORE_PRIVATE_KEY_PATH`,
    );
  }
  if (!contents.includes('-----BEGIN PRIVATE KEY-----')) {
    throw new ConfigError(
      `${path} is not a PKCS#8 PEM private key (no "BEGIN PRIVATE KEY" line): use the AuthKey_<KEY_ID>.p8 file App Store Connect gave you`,
    );
  }
  return contents;
}
