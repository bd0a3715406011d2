import { createHmac, timingSafeEqual } from 'node:crypto';

/** RFC 3986 percent-encoding as OAuth 1.0a (RFC 5849 §3.6) requires it. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/**
 * The `oauth_*` parameters of an `Authorization: OAuth ...` header, decoded, or undefined when the header
 * is not an OAuth header or is malformed.
 */
export function parseOAuthHeader(header: string): Record<string, string> | undefined {
  const match = /^OAuth\s+(.*)$/i.exec(header.trim());
  if (!match?.[1]) {
    return undefined;
  }
  const params: Record<string, string> = {};
  for (const part of match[1].split(',')) {
    const pair = /^\s*([A-Za-z0-9_.~%-]+)="([^"]*)"\s*$/.exec(part);
    if (!pair?.[1] || pair[2] === undefined) {
      return undefined;
    }
    try {
      params[decodeURIComponent(pair[1])] = decodeURIComponent(pair[2]);
    } catch {
      return undefined;
    }
  }
  return params;
}

/** Query parameters of a raw query string as OAuth signs them (form-decoded, repeats kept). */
export function parseQueryPairs(rawQuery: string): Array<[string, string]> | undefined {
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') {
      continue;
    }
    const equals = part.indexOf('=');
    const rawKey = equals === -1 ? part : part.slice(0, equals);
    const rawValue = equals === -1 ? '' : part.slice(equals + 1);
    try {
      pairs.push([formDecode(rawKey), formDecode(rawValue)]);
    } catch {
      return undefined;
    }
  }
  return pairs;
}

/** The RFC 5849 §3.4.1 signature base string. `baseUrl` has no query string. */
export function signatureBaseString(
  method: string,
  baseUrl: string,
  params: Array<[string, string]>,
): string {
  const encoded = params.map(([key, value]) => [percentEncode(key), percentEncode(value)] as const);
  encoded.sort(([keyA, valueA], [keyB, valueB]) => {
    if (keyA !== keyB) {
      return keyA < keyB ? -1 : 1;
    }
    if (valueA === valueB) {
      return 0;
    }
    return valueA < valueB ? -1 : 1;
  });
  const parameterString = encoded.map(([key, value]) => `${key}=${value}`).join('&');
  return [method.toUpperCase(), percentEncode(baseUrl), percentEncode(parameterString)].join('&');
}

export function hmacSha1(baseString: string, consumerSecret: string, tokenSecret: string): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  return createHmac('sha1', key).update(baseString).digest('base64');
}

/** Scheme, host and path: WHATWG URL already lower-cases the host and drops default ports (RFC 5849 §3.4.1.2). */
export function normaliseBaseUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

export interface OAuth1Keys {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

export type OAuth1Verdict = { ok: true } | { ok: false; reason: string };

/**
 * Verifies an OAuth 1.0a HMAC-SHA1 request signature. `url` is the URL the client signed, with its query
 * string; JSON bodies are not part of the signature (only form bodies are, and X v2 takes JSON).
 */
export function verifyOAuth1(
  input: { method: string; url: URL; authorization: string },
  keys: OAuth1Keys,
): OAuth1Verdict {
  const oauth = parseOAuthHeader(input.authorization);
  if (!oauth) {
    return { ok: false, reason: 'malformed OAuth header' };
  }
  const signature = oauth.oauth_signature;
  if (!signature || !oauth.oauth_nonce || !oauth.oauth_timestamp) {
    return { ok: false, reason: 'missing oauth_signature, oauth_nonce or oauth_timestamp' };
  }
  if (oauth.oauth_signature_method !== 'HMAC-SHA1') {
    return { ok: false, reason: 'oauth_signature_method must be HMAC-SHA1' };
  }
  if (oauth.oauth_version !== undefined && oauth.oauth_version !== '1.0') {
    return { ok: false, reason: 'oauth_version must be 1.0' };
  }
  if (oauth.oauth_consumer_key !== keys.consumerKey) {
    return { ok: false, reason: 'unknown oauth_consumer_key' };
  }
  if (oauth.oauth_token !== keys.token) {
    return { ok: false, reason: 'unknown oauth_token' };
  }
  const query = parseQueryPairs(input.url.search.replace(/^\?/, ''));
  if (!query) {
    return { ok: false, reason: 'malformed query string' };
  }
  const oauthPairs = Object.entries(oauth).filter(
    ([key]) => key !== 'oauth_signature' && key !== 'realm',
  );
  const base = signatureBaseString(input.method, normaliseBaseUrl(input.url), [
    ...query,
    ...oauthPairs,
  ]);
  const expected = Buffer.from(hmacSha1(base, keys.consumerSecret, keys.tokenSecret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'signature mismatch' };
  }
  return { ok: true };
}
