import type { KeyObject } from 'node:crypto';

import { decodeProtectedHeader, importSPKI, jwtVerify, type CryptoKey } from 'jose';

/** Apple's audience and lifetime cap, restated here so the sandbox checks the client rather than trusting it. */
const AUDIENCE = 'appstoreconnect-v1';
const MAX_LIFETIME_SECONDS = 1200;

export type VerificationKey = CryptoKey | KeyObject;

export interface TokenRules {
  key: VerificationKey;
  issuerId: string;
  keyId: string;
}

export type AuthVerdict = { ok: true } | { ok: false; reason: string };

export async function importVerificationKey(
  publicKey: string | CryptoKey | KeyObject,
): Promise<VerificationKey> {
  if (typeof publicKey === 'string') {
    return importSPKI(publicKey, 'ES256');
  }
  return publicKey;
}

function rejected(reason: string): AuthVerdict {
  return { ok: false, reason };
}

/**
 * Checks a bearer token the way App Store Connect documents it (platform-facts §4.4): ES256 only, our kid and
 * iss, aud appstoreconnect-v1, not expired, issued in the past, and no more than 20 minutes of life, both as
 * exp − iat and as exp − now. Scoped tokens with longer lives are not supported.
 */
export async function verifyBearer(
  authorization: string | undefined,
  rules: TokenRules,
  nowMs: number,
): Promise<AuthVerdict> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
  if (!match?.[1]) {
    return rejected('no bearer token');
  }
  const token = match[1];
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return rejected('not a JWT');
  }
  if (header.alg !== 'ES256') {
    return rejected(`alg ${String(header.alg)} is not ES256`);
  }
  if (header.kid !== rules.keyId) {
    return rejected(`unknown kid ${String(header.kid)}`);
  }
  let payload: { iat?: number; exp?: number };
  try {
    const verified = await jwtVerify(token, rules.key, {
      algorithms: ['ES256'],
      audience: AUDIENCE,
      issuer: rules.issuerId,
      currentDate: new Date(nowMs),
      maxTokenAge: MAX_LIFETIME_SECONDS,
      requiredClaims: ['iat', 'exp'],
    });
    payload = verified.payload;
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'ERR_JWT_INVALID';
    return rejected(`${code}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const issuedAt = payload.iat ?? 0;
  const expiresAt = payload.exp ?? 0;
  if (expiresAt - issuedAt > MAX_LIFETIME_SECONDS) {
    return rejected(`lifetime ${expiresAt - issuedAt} s exceeds ${MAX_LIFETIME_SECONDS} s`);
  }
  if (expiresAt - nowMs / 1000 > MAX_LIFETIME_SECONDS) {
    return rejected(`expires more than ${MAX_LIFETIME_SECONDS} s from now`);
  }
  return { ok: true };
}
