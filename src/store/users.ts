import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Role } from '../app/drafts.js';
import type { RedisKeys } from './keys.js';

export const ROLES = ['viewer', 'approver', 'admin'] as const satisfies readonly Role[];

export const USER_NAME_PATTERN = /^[a-z0-9_.-]{2,32}$/;
export const MIN_PASSWORD_LENGTH = 12;
/** scrypt hashes any length, but a megabyte "password" is a denial-of-service attempt, not a password. */
export const MAX_PASSWORD_LENGTH = 1024;

const TOKEN_PREFIX = 'esk_';
const TOKEN_PATTERN = /^esk_[A-Za-z0-9_-]{43}$/;
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const TOKEN_ID_LENGTH = 12;

/** A person who may use the API and the desk. */
export interface User {
  name: string;
  role: Role;
}

/** What Redis holds per user (one JSON value per name in the `users` hash). */
export interface UserRecord extends User {
  /** `scrypt$N$r$p$<salt base64url>$<hash base64url>` */
  passwordHash: string;
  createdAt: string;
}

export interface ApiTokenInfo {
  /** The first characters of the token's sha256: enough to revoke it, useless to forge it. */
  id: string;
  user: string;
  label: string;
  createdAt: string;
}

export interface Session extends User {
  /** Bound to the session; state-changing requests authenticated by the cookie must echo it. */
  csrfToken: string;
}

export type UserErrorCode =
  'invalid-name' | 'invalid-role' | 'weak-password' | 'exists' | 'not-found';

/** A refused user-store change, with a message fit for the CLI. */
export class UserStoreError extends Error {
  readonly code: UserErrorCode;

  constructor(code: UserErrorCode, message: string) {
    super(message);
    this.name = 'UserStoreError';
    this.code = code;
  }
}

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

export interface LoginLimits {
  /** Failed logins per user name within the window before further attempts are refused. */
  perName: number;
  /** Failed logins per client address within the window (higher: offices share an address). */
  perIp: number;
  windowMs: number;
}

export interface UserStoreOptions {
  now?: () => Date;
  /** Sliding: every request made with the session extends it by this much. */
  sessionTtlMs?: number;
  scrypt?: ScryptCost;
  loginLimits?: LoginLimits;
}

/**
 * Users, API tokens, desk sessions and login throttling, all in Redis. Passwords are kept only as scrypt
 * hashes, tokens and session ids only as sha256 hashes, so a copy of Redis lets nobody sign in.
 *
 * @example
 * await users.addUser('ana', 'approver', 'correct horse battery');
 * const token = await users.createApiToken('ana', 'ci');
 * await users.resolveApiToken(token); // { name: 'ana', role: 'approver' }
 */
export interface UserStore {
  /** Throws UserStoreError (invalid-name, invalid-role, weak-password, exists). */
  addUser(
    name: string,
    role: Role,
    password: string,
    options?: { replace?: boolean },
  ): Promise<User>;
  /** The user when the password is right; null for a wrong password or an unknown name, at the same cost. */
  verifyPassword(name: string, password: string): Promise<User | null>;
  /** Throws UserStoreError not-found / invalid-role. */
  setRole(name: string, role: Role): Promise<User>;
  /** Also ends the user's sessions and revokes their API tokens. False when there was no such user. */
  removeUser(name: string): Promise<boolean>;
  listUsers(): Promise<Array<User & { createdAt: string }>>;
  getUser(name: string): Promise<User | null>;

  /** A new `esk_…` token, returned once and stored only as its sha256. Throws not-found for unknown users. */
  createApiToken(user: string, label: string): Promise<{ token: string; id: string }>;
  /** The token's user with their current role, or null (unknown token, removed user). */
  resolveApiToken(token: string): Promise<User | null>;
  /** By the token itself or by the id `listApiTokens` shows. False when nothing matched. */
  revokeApiToken(tokenOrId: string): Promise<boolean>;
  listApiTokens(user?: string): Promise<ApiTokenInfo[]>;

  createSession(user: string): Promise<{ id: string; csrfToken: string }>;
  /** The session's user with their current role, extending the session; null when gone or expired. */
  resolveSession(id: string): Promise<Session | null>;
  destroySession(id: string): Promise<void>;

  /** Milliseconds until a login from this address or for this name may be tried again; 0 when allowed. */
  loginBlockedForMs(ip: string, name: string): Promise<number>;
  recordLoginFailure(ip: string, name: string): Promise<void>;
  /** After a successful login: the name's counter restarts (the address's does not, against spraying). */
  clearLoginFailures(name: string): Promise<void>;
}

export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 16384, r: 8, p: 1 };
export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perName: 5,
  perIp: 20,
  windowMs: 15 * 60 * 1000,
};

const KEY_LENGTH = 64;
const SALT_BYTES = 16;

function scryptAsync(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  // maxmem must exceed 128·N·r; leave headroom so a stored hash with a higher N still verifies.
  const options: ScryptOptions = {
    N: cost.N,
    r: cost.r,
    p: cost.p,
    maxmem: 256 * cost.N * cost.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => {
      if (error) {
        reject(error);
        return;
      }
      resolve(key);
    });
  });
}

/** `scrypt$N$r$p$salt$hash`, salt and hash base64url; a fresh random salt each call. */
export async function hashPassword(
  password: string,
  cost: ScryptCost = DEFAULT_SCRYPT_COST,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(password, salt, cost);
  return [
    'scrypt',
    cost.N,
    cost.r,
    cost.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    return null;
  }
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const validCost =
    Number.isInteger(N) &&
    Number.isInteger(r) &&
    Number.isInteger(p) &&
    N > 1 &&
    N <= 2 ** 20 &&
    (N & (N - 1)) === 0 &&
    r >= 1 &&
    r <= 32 &&
    p >= 1 &&
    p <= 16;
  if (!validCost) {
    return null;
  }
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length === 0 || key.length !== KEY_LENGTH) {
    return null;
  }
  return { cost: { N, r, p }, salt, key };
}

/** Checks a password against a stored `scrypt$…` hash in constant time; false for malformed hashes. */
export async function verifyPasswordHash(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (parsed === null) {
    return false;
  }
  const key = await scryptAsync(password, parsed.salt, parsed.cost);
  return timingSafeEqual(key, parsed.key);
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A new API token: `esk_` and 32 random bytes in base64url. */
export function generateApiToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function isApiTokenShape(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/** Constant-time string comparison for secrets of possibly different lengths. */
export function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

function checkRole(role: string): asserts role is Role {
  if (!isRole(role)) {
    throw new UserStoreError(
      'invalid-role',
      `Unknown role ${JSON.stringify(role)}; use one of ${ROLES.join(', ')}`,
    );
  }
}

interface TokenRecord {
  user: string;
  label: string;
  createdAt: string;
}

interface SessionRecord {
  user: string;
  csrfToken: string;
  createdAt: string;
}

/** Swaps a hash field only if it still holds what we read. */
const HASH_COMPARE_AND_SET = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`;

export function createUserStore(
  redis: Redis,
  keys: RedisKeys,
  options: UserStoreOptions = {},
): UserStore {
  const now = options.now ?? (() => new Date());
  const sessionTtlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
  const cost = options.scrypt ?? DEFAULT_SCRYPT_COST;
  const limits = options.loginLimits ?? DEFAULT_LOGIN_LIMITS;
  let decoy: Promise<string> | null = null;

  /** Unknown names are checked against this, so they cost as much as a wrong password for a real user. */
  function decoyHash(): Promise<string> {
    decoy ??= hashPassword(randomBytes(16).toString('hex'), cost);
    return decoy;
  }

  async function readUser(name: string): Promise<UserRecord | null> {
    const raw = await redis.hget(keys.users(), name);
    return raw === null ? null : (JSON.parse(raw) as UserRecord);
  }

  async function endSessionsOf(name: string): Promise<void> {
    const hashes = await redis.smembers(keys.userSessions(name));
    const tx = redis.multi();
    for (const hash of hashes) {
      tx.del(keys.session(hash));
    }
    await tx.del(keys.userSessions(name)).exec();
  }

  async function readTokens(): Promise<Array<[string, TokenRecord]>> {
    const all = await redis.hgetall(keys.apiTokens());
    return Object.entries(all).map(([hash, raw]) => [hash, JSON.parse(raw) as TokenRecord]);
  }

  function nameCounterId(name: string): string {
    // Hashed: people type passwords into the name field, and those must not sit in Redis in the clear.
    return sha256(name.trim().toLowerCase()).slice(0, 32);
  }

  return {
    async addUser(name, role, password, { replace = false } = {}) {
      if (!USER_NAME_PATTERN.test(name)) {
        throw new UserStoreError(
          'invalid-name',
          `User name ${JSON.stringify(name)} must be 2–32 characters of a-z, 0-9, '_', '.', '-'`,
        );
      }
      checkRole(role);
      if (password.length < MIN_PASSWORD_LENGTH) {
        throw new UserStoreError(
          'weak-password',
          `The password must have at least ${MIN_PASSWORD_LENGTH} characters`,
        );
      }
      if (password.length > MAX_PASSWORD_LENGTH) {
        throw new UserStoreError(
          'weak-password',
          `The password must have at most ${MAX_PASSWORD_LENGTH} characters`,
        );
      }
      const existing = await readUser(name);
      const record: UserRecord = {
        name,
        role,
        passwordHash: await hashPassword(password, cost),
        createdAt: existing?.createdAt ?? now().toISOString(),
      };
      if (!replace) {
        const created = await redis.hsetnx(keys.users(), name, JSON.stringify(record));
        if (created === 0) {
          throw new UserStoreError(
            'exists',
            `User ${name} exists; replace it to set a new password or role`,
          );
        }
        return { name, role };
      }
      await redis.hset(keys.users(), name, JSON.stringify(record));
      // A new password must lock out whoever held the old one.
      await endSessionsOf(name);
      return { name, role };
    },

    async verifyPassword(name, password) {
      const user = await readUser(name);
      if (user === null || password.length > MAX_PASSWORD_LENGTH) {
        await verifyPasswordHash(password.slice(0, MAX_PASSWORD_LENGTH), await decoyHash());
        return null;
      }
      const ok = await verifyPasswordHash(password, user.passwordHash);
      return ok && isRole(user.role) ? { name: user.name, role: user.role } : null;
    },

    async setRole(name, role) {
      checkRole(role);
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const raw = await redis.hget(keys.users(), name);
        if (raw === null) {
          throw new UserStoreError('not-found', `No user ${name}`);
        }
        const next: UserRecord = { ...(JSON.parse(raw) as UserRecord), role };
        const swapped = await redis.eval(
          HASH_COMPARE_AND_SET,
          1,
          keys.users(),
          name,
          raw,
          JSON.stringify(next),
        );
        if (swapped === 1) {
          return { name, role };
        }
      }
      throw new Error(`User ${name} kept changing under us; try again`);
    },

    async removeUser(name) {
      const removed = await redis.hdel(keys.users(), name);
      await endSessionsOf(name);
      const owned = (await readTokens())
        .filter(([, token]) => token.user === name)
        .map(([hash]) => hash);
      if (owned.length > 0) {
        await redis.hdel(keys.apiTokens(), ...owned);
      }
      return removed === 1;
    },

    async listUsers() {
      const all = await redis.hgetall(keys.users());
      return Object.values(all)
        .map((raw) => JSON.parse(raw) as UserRecord)
        .map(({ name, role, createdAt }) => ({ name, role, createdAt }))
        .sort((a, b) => a.name.localeCompare(b.name));
    },

    async getUser(name) {
      const user = await readUser(name);
      return user === null ? null : { name: user.name, role: user.role };
    },

    async createApiToken(user, label) {
      if ((await readUser(user)) === null) {
        throw new UserStoreError('not-found', `No user ${user}`);
      }
      const token = generateApiToken();
      const hash = sha256(token);
      const record: TokenRecord = { user, label, createdAt: now().toISOString() };
      await redis.hset(keys.apiTokens(), hash, JSON.stringify(record));
      return { token, id: hash.slice(0, TOKEN_ID_LENGTH) };
    },

    async resolveApiToken(token) {
      if (!isApiTokenShape(token)) {
        return null;
      }
      const raw = await redis.hget(keys.apiTokens(), sha256(token));
      if (raw === null) {
        return null;
      }
      const record = JSON.parse(raw) as TokenRecord;
      const user = await readUser(record.user);
      return user === null ? null : { name: user.name, role: user.role };
    },

    async revokeApiToken(tokenOrId) {
      if (tokenOrId.startsWith(TOKEN_PREFIX)) {
        return (await redis.hdel(keys.apiTokens(), sha256(tokenOrId))) === 1;
      }
      if (!/^[0-9a-f]{8,64}$/.test(tokenOrId)) {
        return false;
      }
      const matches = (await readTokens()).filter(([hash]) => hash.startsWith(tokenOrId));
      const [match] = matches;
      if (matches.length !== 1 || match === undefined) {
        return false;
      }
      return (await redis.hdel(keys.apiTokens(), match[0])) === 1;
    },

    async listApiTokens(user) {
      return (await readTokens())
        .filter(([, token]) => user === undefined || token.user === user)
        .map(([hash, token]) => ({ id: hash.slice(0, TOKEN_ID_LENGTH), ...token }))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },

    async createSession(user) {
      const id = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(32).toString('base64url');
      const hash = sha256(id);
      const record: SessionRecord = { user, csrfToken, createdAt: now().toISOString() };
      await redis
        .multi()
        .set(keys.session(hash), JSON.stringify(record), 'PX', sessionTtlMs)
        .sadd(keys.userSessions(user), hash)
        .pexpire(keys.userSessions(user), sessionTtlMs)
        .exec();
      return { id, csrfToken };
    },

    async resolveSession(id) {
      if (!SESSION_ID_PATTERN.test(id)) {
        return null;
      }
      const hash = sha256(id);
      const results = await redis
        .multi()
        .get(keys.session(hash))
        .pexpire(keys.session(hash), sessionTtlMs)
        .exec();
      const raw = results?.[0]?.[1];
      if (typeof raw !== 'string') {
        return null;
      }
      const record = JSON.parse(raw) as SessionRecord;
      const user = await readUser(record.user);
      if (user === null) {
        await redis.del(keys.session(hash));
        return null;
      }
      await redis.pexpire(keys.userSessions(user.name), sessionTtlMs);
      return { name: user.name, role: user.role, csrfToken: record.csrfToken };
    },

    async destroySession(id) {
      const hash = sha256(id);
      const raw = await redis.get(keys.session(hash));
      const tx = redis.multi().del(keys.session(hash));
      if (raw !== null) {
        tx.srem(keys.userSessions((JSON.parse(raw) as SessionRecord).user), hash);
      }
      await tx.exec();
    },

    async loginBlockedForMs(ip, name) {
      const ipKey = keys.loginFailures('ip', ip);
      const nameKey = keys.loginFailures('name', nameCounterId(name));
      const results = await redis.multi().get(ipKey).pttl(ipKey).get(nameKey).pttl(nameKey).exec();
      const [ipCount = 0, ipTtl = 0, nameCount = 0, nameTtl = 0] = (results ?? []).map(
        ([, value]) => Number(value ?? 0),
      );
      // PTTL is negative for a key without expiry or a missing key; fall back to a whole window.
      let blockedFor = 0;
      if (ipCount >= limits.perIp) {
        blockedFor = Math.max(blockedFor, ipTtl > 0 ? ipTtl : limits.windowMs);
      }
      if (nameCount >= limits.perName) {
        blockedFor = Math.max(blockedFor, nameTtl > 0 ? nameTtl : limits.windowMs);
      }
      return blockedFor;
    },

    async recordLoginFailure(ip, name) {
      const tx = redis.multi();
      for (const key of [
        keys.loginFailures('ip', ip),
        keys.loginFailures('name', nameCounterId(name)),
      ]) {
        // A fixed window that starts at the first failure: SET NX PX fixes the expiry, INCR keeps it.
        tx.set(key, 0, 'PX', limits.windowMs, 'NX').incr(key);
      }
      await tx.exec();
    },

    async clearLoginFailures(name) {
      await redis.del(keys.loginFailures('name', nameCounterId(name)));
    },
  };
}
