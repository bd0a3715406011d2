import { randomBytes, randomUUID } from 'node:crypto';

import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';

/** An App Store Connect API key as the sandbox and earshot's token signer need it. */
export interface SandboxAppleKeys {
  /** PKCS#8 PEM, like the `AuthKey_<keyId>.p8` file App Store Connect lets you download once. */
  privateKeyPem: string;
  /** SPKI PEM, for startAppStoreSandbox({ publicKey }). */
  publicKeyPem: string;
  keyId: string;
  issuerId: string;
}

const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A fresh P-256 key pair with an Apple-looking key id (10 characters) and issuer id (a UUID). */
export async function createSandboxAppleKeys(): Promise<SandboxAppleKeys> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const keyId = [...randomBytes(10)]
    .map((byte) => KEY_ID_ALPHABET[byte % KEY_ID_ALPHABET.length])
    .join('');
  return {
    privateKeyPem: await exportPKCS8(privateKey),
    publicKeyPem: await exportSPKI(publicKey),
    keyId,
    issuerId: randomUUID(),
  };
}
