import { describe, expect, it } from 'vitest';

import {
  hmacSha1,
  parseOAuthHeader,
  percentEncode,
  signatureBaseString,
  verifyOAuth1,
  type OAuth1Keys,
} from '../../src/sandbox/x/oauth1.js';

// The worked example from X's "Creating a signature" guide (developer.x.com, OAuth 1.0a).
const GUIDE = {
  consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
  tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
  params: [
    ['status', 'Hello Ladies + Gentlemen, a signed OAuth request!'],
    ['include_entities', 'true'],
    ['oauth_consumer_key', 'xvz1evFS4wEEPTGEFPHBog'],
    ['oauth_nonce', 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg'],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', '1318622958'],
    ['oauth_token', '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb'],
    ['oauth_version', '1.0'],
  ] as Array<[string, string]>,
};

const KEYS: OAuth1Keys = {
  consumerKey: 'ck',
  consumerSecret: 'cs',
  token: 'tk',
  tokenSecret: 'ts',
};

function signedHeader(method: string, url: URL, overrides: Record<string, string> = {}): string {
  const oauth: Record<string, string> = {
    oauth_consumer_key: KEYS.consumerKey,
    oauth_nonce: 'abc123',
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: '1763629200',
    oauth_token: KEYS.token,
    oauth_version: '1.0',
  };
  const query = [...url.searchParams.entries()];
  const base = signatureBaseString(method, `${url.origin}${url.pathname}`, [
    ...query,
    ...Object.entries(oauth),
  ]);
  const signed = {
    ...oauth,
    oauth_signature: hmacSha1(base, KEYS.consumerSecret, KEYS.tokenSecret),
    ...overrides,
  };
  return `OAuth ${Object.entries(signed)
    .map(([key, value]) => `${percentEncode(key)}="${percentEncode(value)}"`)
    .join(', ')}`;
}

describe('OAuth 1.0a signatures', () => {
  it('reproduces the base string and signature of X’s worked example', () => {
    const base = signatureBaseString(
      'post',
      'https://api.twitter.com/1.1/statuses/update.json',
      GUIDE.params,
    );

    const signature = hmacSha1(base, GUIDE.consumerSecret, GUIDE.tokenSecret);

    expect(base).toBe(
      'POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521',
    );
    expect(signature).toBe('hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
  });

  it.each([
    ['!', '%21'],
    ["'", '%27'],
    ['(', '%28'],
    [')', '%29'],
    ['*', '%2A'],
    [' ', '%20'],
    ['~', '~'],
  ])('percent-encodes %j as %s', (input, expected) => {
    const encoded = percentEncode(input);

    expect(encoded).toBe(expected);
  });

  it('parses an Authorization header into decoded oauth_* parameters', () => {
    const header = 'OAuth oauth_consumer_key="ck", oauth_signature="a%2Bb%3D", oauth_version="1.0"';

    const parsed = parseOAuthHeader(header);

    expect(parsed).toEqual({
      oauth_consumer_key: 'ck',
      oauth_signature: 'a+b=',
      oauth_version: '1.0',
    });
  });

  it('rejects a header that is not OAuth', () => {
    const parsed = parseOAuthHeader('Bearer abc');

    expect(parsed).toBeUndefined();
  });

  it('accepts a correctly signed request with a query string', () => {
    const url = new URL(
      'http://127.0.0.1:4010/2/tweets/search/recent?query=from%3Asam%20-is%3Aretweet&max_results=10',
    );

    const verdict = verifyOAuth1(
      { method: 'GET', url, authorization: signedHeader('GET', url) },
      KEYS,
    );

    expect(verdict).toEqual({ ok: true });
  });

  it.each([
    {
      name: 'a query parameter changed after signing',
      request: () => {
        const signedUrl = new URL('http://127.0.0.1:4010/2/users/1/mentions?max_results=5');
        const sentUrl = new URL('http://127.0.0.1:4010/2/users/1/mentions?max_results=100');
        return { method: 'GET', url: sentUrl, authorization: signedHeader('GET', signedUrl) };
      },
      reason: 'signature mismatch',
    },
    {
      name: 'a different method',
      request: () => {
        const url = new URL('http://127.0.0.1:4010/2/tweets');
        return { method: 'POST', url, authorization: signedHeader('GET', url) };
      },
      reason: 'signature mismatch',
    },
    {
      name: 'a different port (another base URL)',
      request: () => {
        const url = new URL('http://127.0.0.1:4010/2/users/me');
        return {
          method: 'GET',
          url: new URL('http://127.0.0.1:4011/2/users/me'),
          authorization: signedHeader('GET', url),
        };
      },
      reason: 'signature mismatch',
    },
    {
      name: 'an unknown consumer key',
      request: () => {
        const url = new URL('http://127.0.0.1:4010/2/users/me');
        return {
          method: 'GET',
          url,
          authorization: signedHeader('GET', url, { oauth_consumer_key: 'other' }),
        };
      },
      reason: 'unknown oauth_consumer_key',
    },
    {
      name: 'an unknown token',
      request: () => {
        const url = new URL('http://127.0.0.1:4010/2/users/me');
        return {
          method: 'GET',
          url,
          authorization: signedHeader('GET', url, { oauth_token: 'other' }),
        };
      },
      reason: 'unknown oauth_token',
    },
    {
      name: 'another signature method',
      request: () => {
        const url = new URL('http://127.0.0.1:4010/2/users/me');
        return {
          method: 'GET',
          url,
          authorization: signedHeader('GET', url, { oauth_signature_method: 'PLAINTEXT' }),
        };
      },
      reason: 'oauth_signature_method must be HMAC-SHA1',
    },
    {
      name: 'a header without a signature',
      request: () => ({
        method: 'GET',
        url: new URL('http://127.0.0.1:4010/2/users/me'),
        authorization: 'OAuth oauth_consumer_key="ck", oauth_token="tk"',
      }),
      reason: 'missing oauth_signature, oauth_nonce or oauth_timestamp',
    },
  ])('rejects $name', ({ request, reason }) => {
    const input = request();

    const verdict = verifyOAuth1(input, KEYS);

    expect(verdict).toEqual({ ok: false, reason });
  });
});
