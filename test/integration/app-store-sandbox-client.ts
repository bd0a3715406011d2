import { createAppleTokenProvider, type AppleTokenProvider } from '../../src/lib/apple-jwt.js';
import {
  createSandboxAppleKeys,
  startAppStoreSandbox,
  type AppStoreSandbox,
  type AppStoreSandboxOptions,
  type SandboxAppleKeys,
} from '../../src/sandbox/app-store/index.js';

export const APP_ID = '682658836';
export const START = Date.UTC(2026, 10, 20, 9, 0, 0);

/** A settable clock shared by the sandbox, the token signer and the code under test. */
export interface TestClock {
  now: () => number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function createClock(start = START): TestClock {
  let current = start;
  return {
    now: () => current,
    set(ms) {
      current = ms;
    },
    advance(ms) {
      current += ms;
    },
  };
}

export interface AppStoreWorld {
  sandbox: AppStoreSandbox;
  keys: SandboxAppleKeys;
  clock: TestClock;
  tokens: AppleTokenProvider;
}

/** A sandbox on the test clock, with a fresh API key and a token signer for it. */
export async function startWorld(
  options: Partial<Omit<AppStoreSandboxOptions, 'now' | 'issuerId' | 'keyId' | 'publicKey'>> = {},
): Promise<AppStoreWorld> {
  const keys = await createSandboxAppleKeys();
  const clock = createClock();
  const sandbox = await startAppStoreSandbox({
    appId: APP_ID,
    issuerId: keys.issuerId,
    keyId: keys.keyId,
    publicKey: keys.publicKeyPem,
    now: clock.now,
    ...options,
  });
  const tokens = createAppleTokenProvider({
    keyId: keys.keyId,
    issuerId: keys.issuerId,
    privateKeyPem: keys.privateKeyPem,
    now: clock.now,
  });
  return { sandbox, keys, clock, tokens };
}

/**
 * Back to a clean sandbox at START. The signer is replaced too: a token it cached on a later clock would carry
 * an iat in the future once the clock is set back.
 */
export function resetWorld(world: AppStoreWorld): void {
  world.sandbox.reset();
  world.clock.set(START);
  world.tokens = createAppleTokenProvider({
    keyId: world.keys.keyId,
    issuerId: world.keys.issuerId,
    privateKeyPem: world.keys.privateKeyPem,
    now: world.clock.now,
  });
}

export interface ReviewSeed {
  rating: number;
  title: string;
  body: string;
  reviewerNickname: string;
  territory: string;
  createdDate?: string;
  appVersion?: string;
}

async function admin(
  sandbox: AppStoreSandbox,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sandbox.url}/__sandbox/appstore${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

export async function seedReview(
  sandbox: AppStoreSandbox,
  seed: Partial<ReviewSeed> & { body: string },
): Promise<{ id: string; feedId: string }> {
  const answer = await admin(sandbox, 'POST', '/reviews', {
    rating: 1,
    title: 'Not happy',
    reviewerNickname: 'sam',
    territory: 'USA',
    ...seed,
  });
  if (answer.status !== 201) {
    throw new Error(`seeding a review failed: ${JSON.stringify(answer.body)}`);
  }
  return answer.body as { id: string; feedId: string };
}

export async function editReview(
  sandbox: AppStoreSandbox,
  id: string,
  edit: Record<string, unknown>,
): Promise<void> {
  const answer = await admin(sandbox, 'PATCH', `/reviews/${id}`, edit);
  if (answer.status !== 200) {
    throw new Error(`editing a review failed: ${JSON.stringify(answer.body)}`);
  }
}

export async function injectRaw(
  sandbox: AppStoreSandbox,
  raw: Record<string, unknown>,
): Promise<void> {
  const answer = await admin(sandbox, 'POST', '/reviews', { raw });
  if (answer.status !== 201) {
    throw new Error(`injecting a raw review failed: ${JSON.stringify(answer.body)}`);
  }
}

export async function injectFeedEntry(
  sandbox: AppStoreSandbox,
  territory: string,
  rawFeedEntry: Record<string, unknown>,
): Promise<void> {
  const answer = await admin(sandbox, 'POST', '/reviews', { rawFeedEntry, territory });
  if (answer.status !== 201) {
    throw new Error(`injecting a feed entry failed: ${JSON.stringify(answer.body)}`);
  }
}

export interface AdminResponse {
  id: string;
  reviewId: string;
  responseBody: string;
  state: 'PENDING_PUBLISH' | 'PUBLISHED';
  lastModifiedDate: string;
}

export async function listResponses(sandbox: AppStoreSandbox): Promise<AdminResponse[]> {
  const answer = await admin(sandbox, 'GET', '/responses');
  return (answer.body as { data: AdminResponse[] }).data;
}

export async function setLimits(
  sandbox: AppStoreSandbox,
  limits: { hourlyLimit?: number; publishDelayMs?: number },
): Promise<unknown> {
  return (await admin(sandbox, 'POST', '/limits', limits)).body;
}

export { admin };

/** Seeds `count` reviews one second apart, oldest first, starting at the clock. */
export async function seedMany(
  world: AppStoreWorld,
  count: number,
  seed: Partial<ReviewSeed> = {},
): Promise<Array<{ id: string; feedId: string }>> {
  const created: Array<{ id: string; feedId: string }> = [];
  for (let index = 0; index < count; index += 1) {
    created.push(
      await seedReview(world.sandbox, {
        body: `review number ${index}`,
        reviewerNickname: `user${index}`,
        ...seed,
        createdDate: new Date(world.clock.now()).toISOString(),
      }),
    );
    world.clock.advance(1000);
  }
  return created;
}
