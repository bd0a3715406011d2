import {
  createGoogleTokenProvider,
  parseServiceAccount,
  type GoogleTokenProvider,
} from '../../src/lib/google-auth.js';
import {
  createSandboxServiceAccount,
  startGooglePlaySandbox,
  type GooglePlaySandbox,
  type GooglePlaySandboxOptions,
  type SandboxServiceAccountKey,
} from '../../src/sandbox/google-play/index.js';

export const PACKAGE = 'com.acme.shop';
/** A Friday, 09:00 Pacific (17:00 UTC). */
export const START = Date.UTC(2026, 10, 20, 17, 0, 0);
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export interface Clock {
  now: () => number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function createClock(start = START): Clock {
  let current = start;
  return {
    now: () => current,
    advance(ms) {
      current += ms;
    },
    set(ms) {
      current = ms;
    },
  };
}

export interface PlayWorld {
  sandbox: GooglePlaySandbox;
  key: SandboxServiceAccountKey;
  clock: Clock;
  /** A fresh token provider on the sandbox clock (no cache shared with other providers). */
  tokens(): GoogleTokenProvider;
  close(): Promise<void>;
}

/** The sandbox on a controllable clock, with one registered service account. */
export async function startPlayWorld(
  options: Partial<GooglePlaySandboxOptions> = {},
): Promise<PlayWorld> {
  const clock = createClock();
  const sandbox = await startGooglePlaySandbox({
    packageName: PACKAGE,
    now: clock.now,
    ...options,
  });
  const key = await createSandboxServiceAccount(sandbox.url);
  return {
    sandbox,
    key,
    clock,
    tokens: () =>
      createGoogleTokenProvider({ ...parseServiceAccount(key, 'sandbox'), now: clock.now }),
    close: () => sandbox.close(),
  };
}

async function admin(
  sandbox: GooglePlaySandbox,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sandbox.url}/__sandbox/play${path}`, {
    method,
    ...(body !== undefined
      ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : {}),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

export interface ReviewSeed {
  authorName?: string;
  text?: string;
  title?: string;
  starRating?: number;
  reviewerLanguage?: string;
  appVersionName?: string;
  appVersionCode?: number;
  device?: string;
  androidOsVersion?: number;
  thumbsUpCount?: number;
  thumbsDownCount?: number;
  deviceMetadata?: Record<string, unknown>;
  lastModified?: string;
}

/** POST /__sandbox/play/reviews; returns the review id. */
export async function addReview(
  sandbox: GooglePlaySandbox,
  seed: ReviewSeed = {},
): Promise<string> {
  const result = await admin(sandbox, 'POST', '/reviews', {
    authorName: 'Sam Rivera',
    text: 'The app crashes every time I open my cart',
    starRating: 1,
    ...seed,
  });
  if (result.status !== 201) {
    throw new Error(`POST /reviews answered ${result.status}: ${JSON.stringify(result.body)}`);
  }
  return (result.body as { id: string }).id;
}

export async function editReview(
  sandbox: GooglePlaySandbox,
  id: string,
  edit: Record<string, unknown>,
): Promise<{ status: number; body: unknown }> {
  return admin(sandbox, 'PATCH', `/reviews/${encodeURIComponent(id)}`, edit);
}

export async function injectRaw(
  sandbox: GooglePlaySandbox,
  raw: Record<string, unknown>,
): Promise<string> {
  const result = await admin(sandbox, 'POST', '/reviews', { raw });
  if (result.status !== 201) {
    throw new Error(`POST /reviews raw answered ${result.status}: ${JSON.stringify(result.body)}`);
  }
  return (result.body as { id: string }).id;
}

export async function listReplies(
  sandbox: GooglePlaySandbox,
): Promise<
  Array<{ reviewId: string; replyText: string; lastEdited: { seconds: string; nanos?: number } }>
> {
  const result = await admin(sandbox, 'GET', '/replies');
  return (result.body as { data: [] }).data;
}

export async function setLimits(
  sandbox: GooglePlaySandbox,
  limits: Record<string, number>,
): Promise<{ status: number; body: unknown }> {
  return admin(sandbox, 'POST', '/limits', limits);
}

export { admin as sandboxAdmin };

/** An authorised request to the sandbox's Google surface; returns status and parsed body. */
export async function playApi(
  world: { sandbox: GooglePlaySandbox },
  tokens: GoogleTokenProvider | string | null,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (tokens !== null) {
    headers.authorization = `Bearer ${typeof tokens === 'string' ? tokens : await tokens.token()}`;
  }
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${world.sandbox.url}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    // keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

export function reviewsPath(suffix = '', packageName = PACKAGE): string {
  return `/androidpublisher/v3/applications/${packageName}/reviews${suffix}`;
}

export function reviewPath(id: string, suffix = ''): string {
  return reviewsPath(`/${encodeURIComponent(id)}${suffix}`);
}
