import { randomBytes, randomInt } from 'node:crypto';

import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';

/** A service-account key file as Google Cloud issues it (the JSON users download). */
export interface SandboxServiceAccountKey {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: string;
}

/**
 * Creates a service account with a fresh RSA key pair and registers its public key with the sandbox at `url`
 * (POST /__sandbox/play/service-accounts). The result has the shape of a Google key file, with `token_uri`
 * pointing at the sandbox's `/token`, so it can be written to disk and loaded like a real one.
 *
 * @example
 * const key = await createSandboxServiceAccount(sandbox.url);
 * const tokens = createGoogleTokenProvider(parseServiceAccount(key, 'sandbox'));
 */
export async function createSandboxServiceAccount(
  url: string,
  options: { clientEmail?: string; fetch?: typeof fetch } = {},
): Promise<SandboxServiceAccountKey> {
  const base = url.replace(/\/+$/, '');
  const clientEmail =
    options.clientEmail ?? 'earshot-replies@earshot-sandbox.iam.gserviceaccount.com';
  const { publicKey, privateKey } = await generateKeyPair('RS256', {
    modulusLength: 2048,
    extractable: true,
  });
  const privateKeyId = randomBytes(20).toString('hex');
  const response = await (options.fetch ?? fetch)(`${base}/__sandbox/play/service-accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_email: clientEmail,
      private_key_id: privateKeyId,
      public_key: await exportSPKI(publicKey),
    }),
  });
  if (response.status !== 201) {
    throw new Error(
      `Google Play sandbox refused the service account (${response.status}): ${await response.text()}`,
    );
  }
  return {
    type: 'service_account',
    project_id: 'earshot-sandbox',
    private_key_id: privateKeyId,
    private_key: await exportPKCS8(privateKey),
    client_email: clientEmail,
    client_id: String(randomInt(1, 2 ** 47)).padStart(21, '1'),
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: `${base}/token`,
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
    universe_domain: 'googleapis.com',
  };
}
