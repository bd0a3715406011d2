import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';

import { ConfigError } from '../../src/errors.js';
import { createAppleTokenProvider, loadAppleKey } from '../../src/lib/apple-jwt.js';
import {
  createSandboxAppleKeys,
  type SandboxAppleKeys,
} from '../../src/sandbox/app-store/index.js';

const START = Date.UTC(2026, 10, 20, 9, 0, 0);

describe('createAppleTokenProvider', () => {
  let keys: SandboxAppleKeys;

  beforeAll(async () => {
    keys = await createSandboxAppleKeys();
  });

  it('signs an ES256 token with the header and claims App Store Connect requires', async () => {
    const tokens = createAppleTokenProvider({ ...keys, now: () => START });

    const token = await tokens.token();

    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: keys.keyId, typ: 'JWT' });
    expect(decodeJwt(token)).toEqual({
      iss: keys.issuerId,
      iat: START / 1000,
      exp: START / 1000 + 1200,
      aud: 'appstoreconnect-v1',
    });
    const verified = await jwtVerify(token, await importSPKI(keys.publicKeyPem, 'ES256'), {
      currentDate: new Date(START),
    });
    expect(verified.protectedHeader.alg).toBe('ES256');
  });

  it('reuses the token until it is within the renewal margin, then signs a new one', async () => {
    let clock = START;
    const tokens = createAppleTokenProvider({ ...keys, now: () => clock, renewBeforeSeconds: 60 });
    const first = await tokens.token();

    clock = START + 1139_000;
    const beforeMargin = await tokens.token();
    clock = START + 1140_000;
    const renewed = await tokens.token();

    expect(beforeMargin).toBe(first);
    expect(renewed).not.toBe(first);
    expect(decodeJwt(renewed).iat).toBe((START + 1140_000) / 1000);
    expect(decodeJwt(renewed).exp).toBe((START + 1140_000) / 1000 + 1200);
  });

  it('signs once for a burst of concurrent callers', async () => {
    const tokens = createAppleTokenProvider({ ...keys, now: () => START });

    const burst = await Promise.all([tokens.token(), tokens.token(), tokens.token()]);

    expect(new Set(burst).size).toBe(1);
  });

  it('uses a shorter lifetime when asked', async () => {
    const tokens = createAppleTokenProvider({ ...keys, now: () => START, lifetimeSeconds: 300 });

    const claims = decodeJwt(await tokens.token());

    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300);
  });

  it.each`
    options                                              | message
    ${{ lifetimeSeconds: 1201 }}                         | ${/lifetime must be a whole number of seconds from 1 to 1200, got 1201/}
    ${{ lifetimeSeconds: 0 }}                            | ${/got 0/}
    ${{ lifetimeSeconds: 600, renewBeforeSeconds: 600 }} | ${/renewal margin must be at least 0 and below the lifetime/}
    ${{ renewBeforeSeconds: -1 }}                        | ${/renewal margin/}
  `('rejects $options', ({ options, message }: { options: object; message: RegExp }) => {
    expect(() => createAppleTokenProvider({ ...keys, ...options })).toThrow(message);
  });

  it('reports a key that is not PKCS#8 P-256 as a ConfigError', async () => {
    const tokens = createAppleTokenProvider({ ...keys, privateKeyPem: keys.publicKeyPem });

    await expect(tokens.token()).rejects.toThrow(ConfigError);
  });
});

describe('loadAppleKey', () => {
  it('reads a .p8 file', async () => {
    const keys = await createSandboxAppleKeys();
    const dir = mkdtempSync(join(tmpdir(), 'earshot-apple-'));
    const path = join(dir, `AuthKey_${keys.keyId}.p8`);
    writeFileSync(path, keys.privateKeyPem);

    await expect(loadAppleKey(path)).resolves.toBe(keys.privateKeyPem);
  });

  it('names the path and the config key when the file is missing', async () => {
    await expect(loadAppleKey('/nowhere/AuthKey_X.p8')).rejects.toThrow(
      'Cannot read the App Store Connect private key at /nowhere/AuthKey_X.p8 (ENOENT): check APP_STORE_PRIVATE_KEY_PATH',
    );
  });

  it('names the path when the file is not a PKCS#8 key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-apple-'));
    const path = join(dir, 'key.p8');
    writeFileSync(path, 'not a key');

    await expect(loadAppleKey(path)).rejects.toThrow(`${path} is not a PKCS#8 PEM private key`);
  });
});
