import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hasRole } from '../../src/desk/auth.js';
import {
  generateApiToken,
  hashPassword,
  isApiTokenShape,
  safeEqual,
  sha256,
  verifyPasswordHash,
} from '../../src/store/users.js';

const PASSWORD = 'correct horse battery staple';

describe('password hashing', () => {
  it('stores scrypt$N$r$p$salt$hash with the default cost and a 64-byte key', async () => {
    const stored = await hashPassword(PASSWORD);

    const [scheme, N, r, p, salt, hash, ...rest] = stored.split('$');
    expect(scheme).toBe('scrypt');
    expect([N, r, p]).toEqual(['16384', '8', '1']);
    expect(Buffer.from(salt ?? '', 'base64url')).toHaveLength(16);
    expect(Buffer.from(hash ?? '', 'base64url')).toHaveLength(64);
    expect(rest).toEqual([]);
    expect(stored).not.toContain(PASSWORD);
  });

  it('salts every hash differently', async () => {
    const first = await hashPassword(PASSWORD);
    const second = await hashPassword(PASSWORD);

    expect(first).not.toBe(second);
    expect(first.split('$')[4]).not.toBe(second.split('$')[4]);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword(PASSWORD);

    expect(await verifyPasswordHash(PASSWORD, stored)).toBe(true);
    expect(await verifyPasswordHash(`${PASSWORD}!`, stored)).toBe(false);
    expect(await verifyPasswordHash('', stored)).toBe(false);
  });

  it('verifies with the cost stored in the hash, so raising the default keeps old hashes valid', async () => {
    const cheap = await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 });

    expect(cheap.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPasswordHash(PASSWORD, cheap)).toBe(true);
  });

  it('treats Unicode compositions of the same password alike', async () => {
    const stored = await hashPassword('caf\u00e9 au lait 2024');

    expect(await verifyPasswordHash('cafe\u0301 au lait 2024', stored)).toBe(true);
  });

  it.each`
    stored
    ${''}
    ${'plain-text-password'}
    ${'bcrypt$16384$8$1$c2FsdA$aGFzaA'}
    ${'scrypt$16384$8$1$c2FsdA'}
    ${'scrypt$abc$8$1$c2FsdA$aGFzaA'}
    ${'scrypt$16384$8$1$c2FsdA$dG9vLXNob3J0'}
    ${'scrypt$1073741824$8$1$c2FsdA$' + 'A'.repeat(86)}
    ${'scrypt$1000$8$1$c2FsdA$' + 'A'.repeat(86)}
  `(
    'refuses the malformed hash $stored without throwing',
    async ({ stored }: { stored: string }) => {
      expect(await verifyPasswordHash(PASSWORD, stored)).toBe(false);
    },
  );
});

describe('API tokens', () => {
  it('are esk_ and 32 random bytes in base64url', () => {
    const token = generateApiToken();

    expect(token).toMatch(/^esk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
    expect(isApiTokenShape(token)).toBe(true);
    expect(generateApiToken()).not.toBe(token);
  });

  it.each`
    value
    ${''}
    ${'esk_'}
    ${'esk_short'}
    ${'Bearer esk_' + 'a'.repeat(43)}
    ${'tok_' + 'a'.repeat(43)}
    ${'esk_' + 'a'.repeat(42) + '='}
  `('rejects $value as a token shape', ({ value }: { value: string }) => {
    expect(isApiTokenShape(value)).toBe(false);
  });

  it('are stored as their sha256, which does not contain the token', () => {
    const token = generateApiToken();

    const hash = sha256(token);

    expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(token.slice(4, 20));
  });
});

describe('safeEqual', () => {
  it.each`
    a        | b         | equal
    ${'abc'} | ${'abc'}  | ${true}
    ${'abc'} | ${'abd'}  | ${false}
    ${'abc'} | ${'abcd'} | ${false}
    ${''}    | ${'a'}    | ${false}
  `('$a vs $b → $equal', ({ a, b, equal }: { a: string; b: string; equal: boolean }) => {
    expect(safeEqual(a, b)).toBe(equal);
  });
});

describe('roles', () => {
  it.each`
    role          | least         | allowed
    ${'viewer'}   | ${'viewer'}   | ${true}
    ${'viewer'}   | ${'approver'} | ${false}
    ${'approver'} | ${'approver'} | ${true}
    ${'approver'} | ${'admin'}    | ${false}
    ${'admin'}    | ${'approver'} | ${true}
  `(
    '$role may act as $least: $allowed',
    ({
      role,
      least,
      allowed,
    }: {
      role: 'viewer' | 'approver' | 'admin';
      least: 'viewer' | 'approver' | 'admin';
      allowed: boolean;
    }) => {
      expect(hasRole({ name: 'ana', role }, least)).toBe(allowed);
    },
  );
});
