import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  decodeProtectedHeader,
  exportPKCS8,
  generateKeyPair,
  jwtVerify,
  type CryptoKey,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';

import { ConfigError, PlatformAuthError, TransientNetworkError } from '../../src/errors.js';
import {
  ANDROID_PUBLISHER_SCOPE,
  createGoogleTokenProvider,
  JWT_BEARER_GRANT_TYPE,
  loadServiceAccount,
} from '../../src/lib/google-auth.js';

const TOKEN_URI = 'https://oauth2.googleapis.com/token';
const EMAIL = 'replies@acme-prod.iam.gserviceaccount.com';
const START = Date.UTC(2026, 10, 20, 17, 0, 0);

interface TokenCall {
  url: string;
  form: URLSearchParams;
}

type Answer = { status: number; body: unknown } | Error;

/** A stand-in for Google's token endpoint: records each request and answers from a queue. */
function fakeTokenEndpoint(answers: Answer[] = []): { fetch: typeof fetch; calls: TokenCall[] } {
  const calls: TokenCall[] = [];
  let issued = 0;
  const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), form: new URLSearchParams(String(init?.body ?? '')) });
    const answer = answers.shift();
    if (answer instanceof Error) {
      throw answer;
    }
    issued += 1;
    const reply = answer ?? {
      status: 200,
      body: { access_token: `ya29.token-${issued}`, expires_in: 3599, token_type: 'Bearer' },
    };
    return new Response(JSON.stringify(reply.body), {
      status: reply.status,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  return { fetch: fakeFetch, calls };
}

let privateKeyPem: string;
let publicKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKeyPem = await exportPKCS8(pair.privateKey);
  publicKey = pair.publicKey;
});

function provider(fetchImpl: typeof fetch, clock: { now: number }) {
  return createGoogleTokenProvider({
    clientEmail: EMAIL,
    privateKeyPem,
    privateKeyId: 'key-1',
    tokenUri: TOKEN_URI,
    fetch: fetchImpl,
    now: () => clock.now,
  });
}

describe('createGoogleTokenProvider', () => {
  it('posts an RS256 assertion with Google’s claims as a JWT bearer grant', async () => {
    const endpoint = fakeTokenEndpoint();
    const clock = { now: START + 123 };

    const token = await provider(endpoint.fetch, clock).token();

    expect(token).toBe('ya29.token-1');
    expect(endpoint.calls).toHaveLength(1);
    const call = endpoint.calls[0]!;
    expect(call.url).toBe(TOKEN_URI);
    expect(call.form.get('grant_type')).toBe(JWT_BEARER_GRANT_TYPE);
    const assertion = call.form.get('assertion') ?? '';
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'key-1' });
    const { payload } = await jwtVerify(assertion, publicKey, {
      currentDate: new Date(clock.now),
    });
    const iat = Math.floor(START / 1000);
    expect(payload).toEqual({
      iss: EMAIL,
      scope: ANDROID_PUBLISHER_SCOPE,
      aud: TOKEN_URI,
      iat,
      exp: iat + 3600,
    });
  });

  it('caches the token until expires_in minus five minutes, then renews it', async () => {
    const endpoint = fakeTokenEndpoint();
    const clock = { now: START };
    const tokens = provider(endpoint.fetch, clock);

    const first = await tokens.token();
    clock.now = START + (3599 - 300) * 1000 - 1;
    const cached = await tokens.token();
    clock.now += 1;
    const renewed = await tokens.token();

    expect([first, cached, renewed]).toEqual(['ya29.token-1', 'ya29.token-1', 'ya29.token-2']);
    expect(endpoint.calls).toHaveLength(2);
  });

  it('shares one request between concurrent callers', async () => {
    const endpoint = fakeTokenEndpoint();
    const tokens = provider(endpoint.fetch, { now: START });

    const results = await Promise.all([tokens.token(), tokens.token(), tokens.token()]);

    expect(results).toEqual(['ya29.token-1', 'ya29.token-1', 'ya29.token-1']);
    expect(endpoint.calls).toHaveLength(1);
  });

  it('asks for a new token after invalidate()', async () => {
    const endpoint = fakeTokenEndpoint();
    const tokens = provider(endpoint.fetch, { now: START });

    await tokens.token();
    tokens.invalidate();
    const next = await tokens.token();

    expect(next).toBe('ya29.token-2');
  });

  it.each`
    answer                                                                                                      | type                     | message
    ${{ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } }}           | ${PlatformAuthError}     | ${/invalid_grant: Invalid JWT Signature\..*check GOOGLE_PLAY_SERVICE_ACCOUNT_FILE/}
    ${{ status: 401, body: { error: 'invalid_client', error_description: 'The OAuth client was not found.' } }} | ${PlatformAuthError}     | ${/invalid_client/}
    ${{ status: 400, body: 'not json' }}                                                                        | ${PlatformAuthError}     | ${/HTTP 400/}
    ${{ status: 429, body: { error: 'rate_limit_exceeded' } }}                                                  | ${TransientNetworkError} | ${/answered 429/}
    ${{ status: 503, body: 'unavailable' }}                                                                     | ${TransientNetworkError} | ${/answered 503/}
    ${{ status: 200, body: { token_type: 'Bearer' } }}                                                          | ${TransientNetworkError} | ${/without an access_token/}
  `(
    'maps a token endpoint answer of $answer.status to $type.name',
    async ({ answer, type, message }) => {
      const endpoint = fakeTokenEndpoint([answer as Answer]);
      const tokens = provider(endpoint.fetch, { now: START });

      const error = await tokens.token().catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toMatch(message);
    },
  );

  it('reports a network failure with its socket error code, then recovers on the next call', async () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const endpoint = fakeTokenEndpoint([refused]);
    const tokens = provider(endpoint.fetch, { now: START });

    const error = await tokens.token().catch((caught: unknown) => caught);
    const retried = await tokens.token();

    expect(error).toBeInstanceOf(TransientNetworkError);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(retried).toBe('ya29.token-1');
  });

  it('refuses a private key that is not a usable RSA key, naming the env key', async () => {
    const endpoint = fakeTokenEndpoint();
    const tokens = createGoogleTokenProvider({
      clientEmail: EMAIL,
      privateKeyPem: '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n',
      tokenUri: TOKEN_URI,
      fetch: endpoint.fetch,
    });

    const error = await tokens.token().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PlatformAuthError);
    expect((error as Error).message).toMatch(/GOOGLE_PLAY_SERVICE_ACCOUNT_FILE/);
    expect(endpoint.calls).toHaveLength(0);
  });
});

describe('loadServiceAccount', () => {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-play-'));
  const valid = {
    type: 'service_account',
    project_id: 'acme-prod',
    private_key_id: 'abc123',
    private_key: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
    client_email: EMAIL,
    token_uri: TOKEN_URI,
  };

  function write(name: string, content: string): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  }

  it('reads the fields the token provider needs', () => {
    const path = write('valid.json', JSON.stringify(valid));

    const account = loadServiceAccount(path);

    expect(account).toEqual({
      clientEmail: EMAIL,
      privateKeyPem: valid.private_key,
      privateKeyId: 'abc123',
      tokenUri: TOKEN_URI,
    });
  });

  it.each`
    name                 | content                                                             | message
    ${'no-email.json'}   | ${JSON.stringify({ ...valid, client_email: undefined })}            | ${'no-email.json: client_email: must be the service account e-mail address'}
    ${'bad-key.json'}    | ${JSON.stringify({ ...valid, private_key: 'secret' })}              | ${'bad-key.json: private_key: must be a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)'}
    ${'no-key-id.json'}  | ${JSON.stringify({ ...valid, private_key_id: '' })}                 | ${'no-key-id.json: private_key_id: must not be empty'}
    ${'bad-uri.json'}    | ${JSON.stringify({ ...valid, token_uri: 'oauth2.googleapis.com' })} | ${'bad-uri.json: token_uri: must be an http(s) URL'}
    ${'user-creds.json'} | ${JSON.stringify({ ...valid, type: 'authorized_user' })}            | ${'user-creds.json: type: must be "service_account" (a service-account key file)'}
    ${'not-json.json'}   | ${'{ "client_email": '}                                             | ${'not-json.json: is not valid JSON'}
  `('names the path and the field for $name', ({ name, content, message }) => {
    const path = write(name as string, content as string);

    const error = (() => {
      try {
        loadServiceAccount(path);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(join(dir, message as string));
  });

  it('names the path of a missing file', () => {
    const path = join(dir, 'missing.json');

    expect(() => loadServiceAccount(path)).toThrow(
      `${path}: cannot read the service-account key file (ENOENT)`,
    );
  });
});
