import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  runUsersAdd,
  runUsersList,
  runUsersRemove,
  runUsersRevokeToken,
  runUsersRole,
  runUsersToken,
  type UsersCliIo,
} from '../../src/cli/users.js';
import { redisKeys, type RedisKeys } from '../../src/store/keys.js';
import { createUserStore, sha256, UserStoreError, type UserStore } from '../../src/store/users.js';
import { deletePrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';

const PASSWORD = 'a long enough password';

let prefix: string;
let redis: Redis;
let keys: RedisKeys;
let users: UserStore;

beforeEach(() => {
  prefix = uniquePrefix();
  redis = new Redis(REDIS_URL);
  keys = redisKeys(prefix);
  users = createUserStore(redis, keys, { now: () => new Date('2026-03-01T10:00:00.000Z') });
});

afterEach(async () => {
  redis.disconnect();
  await deletePrefix(prefix);
});

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UserStoreError) {
      return error.code;
    }
    throw error;
  }
  return 'accepted';
}

describe('the user store', () => {
  it('stores the scrypt hash, never the password', async () => {
    await users.addUser('ana', 'approver', PASSWORD);

    const raw = await redis.hget(keys.users(), 'ana');

    const record = JSON.parse(raw ?? '{}') as Record<string, unknown>;
    expect(record).toEqual({
      name: 'ana',
      role: 'approver',
      passwordHash: expect.stringMatching(
        /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/,
      ),
      createdAt: '2026-03-01T10:00:00.000Z',
    });
    expect(raw).not.toContain(PASSWORD);
  });

  it('verifies the right password and refuses a wrong one or an unknown name alike', async () => {
    await users.addUser('ana', 'approver', PASSWORD);

    expect(await users.verifyPassword('ana', PASSWORD)).toEqual({ name: 'ana', role: 'approver' });
    expect(await users.verifyPassword('ana', 'a wrong password here')).toBeNull();
    expect(await users.verifyPassword('nobody', PASSWORD)).toBeNull();
    expect(await users.verifyPassword('ana', 'x'.repeat(5000))).toBeNull();
  });

  it('spends about as long on an unknown name as on a wrong password', async () => {
    await users.addUser('ana', 'approver', PASSWORD);
    await users.verifyPassword('nobody', 'warm up the decoy hash');

    async function timed(name: string): Promise<number> {
      const started = performance.now();
      for (let round = 0; round < 5; round += 1) {
        await users.verifyPassword(name, 'a wrong password here');
      }
      return performance.now() - started;
    }
    const known = await timed('ana');
    const unknown = await timed('nobody');

    expect(unknown).toBeGreaterThan(known * 0.25);
    expect(unknown).toBeLessThan(known * 4);
  });

  it.each`
    name              | role        | password          | code
    ${'A'}            | ${'viewer'} | ${PASSWORD}       | ${'invalid-name'}
    ${'Ana'}          | ${'viewer'} | ${PASSWORD}       | ${'invalid-name'}
    ${'ana smith'}    | ${'viewer'} | ${PASSWORD}       | ${'invalid-name'}
    ${'a'.repeat(33)} | ${'viewer'} | ${PASSWORD}       | ${'invalid-name'}
    ${'ana'}          | ${'owner'}  | ${PASSWORD}       | ${'invalid-role'}
    ${'ana'}          | ${'viewer'} | ${'short pass'}   | ${'weak-password'}
    ${'ana.b_c-1'}    | ${'viewer'} | ${'x'.repeat(12)} | ${'accepted'}
  `(
    'addUser($name, $role) → $code',
    async ({
      name,
      role,
      password,
      code,
    }: {
      name: string;
      role: 'viewer';
      password: string;
      code: string;
    }) => {
      expect(await refusal(users.addUser(name, role, password))).toBe(code);
    },
  );

  it('refuses an existing name unless replacing, and replacing ends their sessions', async () => {
    await users.addUser('ana', 'viewer', PASSWORD);
    const session = await users.createSession('ana');

    const again = await refusal(users.addUser('ana', 'admin', 'another good password'));
    const replaced = await users.addUser('ana', 'admin', 'another good password', {
      replace: true,
    });

    expect(again).toBe('exists');
    expect(replaced).toEqual({ name: 'ana', role: 'admin' });
    expect(await users.verifyPassword('ana', PASSWORD)).toBeNull();
    expect(await users.verifyPassword('ana', 'another good password')).toEqual(replaced);
    expect(await users.resolveSession(session.id)).toBeNull();
  });

  it('changes roles, which tokens and sessions see at once', async () => {
    await users.addUser('ana', 'viewer', PASSWORD);
    const { token } = await users.createApiToken('ana', 'ci');
    const session = await users.createSession('ana');

    await users.setRole('ana', 'approver');

    expect(await users.resolveApiToken(token)).toEqual({ name: 'ana', role: 'approver' });
    expect(await users.resolveSession(session.id)).toMatchObject({ name: 'ana', role: 'approver' });
    expect(await refusal(users.setRole('nobody', 'admin'))).toBe('not-found');
  });

  it('keeps only the sha256 of a token and resolves it to its user', async () => {
    await users.addUser('ana', 'approver', PASSWORD);

    const { token, id } = await users.createApiToken('ana', 'ci');

    const stored = await redis.hgetall(keys.apiTokens());
    expect(Object.keys(stored)).toEqual([sha256(token)]);
    expect(JSON.stringify(stored)).not.toContain(token.slice(4));
    expect(JSON.parse(stored[sha256(token)] ?? '{}')).toEqual({
      user: 'ana',
      label: 'ci',
      createdAt: '2026-03-01T10:00:00.000Z',
    });
    expect(id).toBe(sha256(token).slice(0, 12));
    expect(await users.resolveApiToken(token)).toEqual({ name: 'ana', role: 'approver' });
    // Change the last character (to one it is not), so the altered token can never equal the real one.
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(await users.resolveApiToken(altered)).toBeNull();
    expect(await refusal(users.createApiToken('nobody', 'ci'))).toBe('not-found');
  });

  it('revokes a token by itself or by its id', async () => {
    await users.addUser('ana', 'approver', PASSWORD);
    const first = await users.createApiToken('ana', 'ci');
    const second = await users.createApiToken('ana', 'laptop');

    expect(await users.revokeApiToken(first.token)).toBe(true);
    expect(await users.revokeApiToken(second.id)).toBe(true);
    expect(await users.revokeApiToken(second.id)).toBe(false);
    expect(await users.resolveApiToken(first.token)).toBeNull();
    expect(await users.resolveApiToken(second.token)).toBeNull();
  });

  it('removing a user ends their sessions and deletes their tokens', async () => {
    await users.addUser('ana', 'approver', PASSWORD);
    await users.addUser('bo', 'viewer', PASSWORD);
    await users.createApiToken('ana', 'ci');
    const bos = await users.createApiToken('bo', 'ci');
    const session = await users.createSession('ana');

    expect(await users.removeUser('ana')).toBe(true);
    expect(await users.removeUser('ana')).toBe(false);

    expect(await users.resolveSession(session.id)).toBeNull();
    expect((await users.listApiTokens()).map((token) => token.user)).toEqual(['bo']);
    expect(await users.resolveApiToken(bos.token)).toEqual({ name: 'bo', role: 'viewer' });
  });

  it('keeps sessions only as hashes, with the TTL', async () => {
    await users.addUser('ana', 'approver', PASSWORD);

    const session = await users.createSession('ana');

    const raw = await redis.get(keys.session(sha256(session.id)));
    expect(raw).not.toBeNull();
    expect(await redis.pttl(keys.session(sha256(session.id)))).toBeGreaterThan(11 * 60 * 60 * 1000);
    expect(await redis.exists(keys.session(session.id))).toBe(0);
    await users.destroySession(session.id);
    expect(await users.resolveSession(session.id)).toBeNull();
  });
});

interface FakeIo extends UsersCliIo {
  stdout: string[];
  stderr: string[];
  prompts: string[];
}

function fakeIo(options: { stdin?: string; tty?: boolean; typed?: string[] } = {}): FakeIo {
  const typed = [...(options.typed ?? [])];
  const io: FakeIo = {
    stdout: [],
    stderr: [],
    prompts: [],
    stdinIsTTY: options.tty ?? false,
    out: (line) => io.stdout.push(line),
    err: (line) => io.stderr.push(line),
    readStdin: async () => options.stdin ?? '',
    promptHidden: async (question) => {
      io.prompts.push(question);
      return typed.shift() ?? '';
    },
  };
  return io;
}

describe('earshot users', () => {
  it('adds a user with the password from stdin', async () => {
    const io = fakeIo({ stdin: `${PASSWORD}\n` });

    const code = await runUsersAdd(
      { name: 'ana', role: 'approver', passwordStdin: true },
      { users, io },
    );

    expect(code).toBe(0);
    expect(io.stdout).toEqual(['Added ana (approver)']);
    expect(await users.verifyPassword('ana', PASSWORD)).toEqual({ name: 'ana', role: 'approver' });
  });

  it('asks twice on a terminal and refuses when the answers differ', async () => {
    const matching = fakeIo({ tty: true, typed: [PASSWORD, PASSWORD] });
    const differing = fakeIo({ tty: true, typed: [PASSWORD, 'something else entirely'] });

    const added = await runUsersAdd({ name: 'ana', role: 'viewer' }, { users, io: matching });
    const refused = await runUsersAdd({ name: 'bo', role: 'viewer' }, { users, io: differing });

    expect(added).toBe(0);
    expect(matching.prompts).toEqual(['Password for ana: ', 'Repeat the password: ']);
    expect(refused).toBe(2);
    expect(differing.stderr).toEqual(['The passwords differ; nothing changed']);
    expect(await users.getUser('bo')).toBeNull();
  });

  it('refuses to prompt without a terminal', async () => {
    const io = fakeIo({ tty: false });

    const code = await runUsersAdd({ name: 'ana', role: 'viewer' }, { users, io });

    expect(code).toBe(2);
    expect(io.stderr[0]).toContain('--password-stdin');
  });

  it.each`
    what                  | options                                                  | stdin        | code | message
    ${'an unknown role'}  | ${{ name: 'ana', role: 'owner', passwordStdin: true }}   | ${PASSWORD}  | ${2} | ${'--role must be one of viewer, approver, admin'}
    ${'a short password'} | ${{ name: 'ana', role: 'viewer', passwordStdin: true }}  | ${'short\n'} | ${1} | ${'at least 12 characters'}
    ${'a bad name'}       | ${{ name: 'Ana!', role: 'viewer', passwordStdin: true }} | ${PASSWORD}  | ${1} | ${'2–32 characters'}
  `(
    'refuses $what',
    async ({
      options,
      stdin,
      code,
      message,
    }: {
      options: { name: string; role: string; passwordStdin: boolean };
      stdin: string;
      code: number;
      message: string;
    }) => {
      const io = fakeIo({ stdin });

      expect(await runUsersAdd(options, { users, io })).toBe(code);
      expect(io.stderr.join('\n')).toContain(message);
    },
  );

  it('refuses an existing user unless --replace', async () => {
    await users.addUser('ana', 'viewer', PASSWORD);
    const io = fakeIo({ stdin: 'a brand new password' });

    const refused = await runUsersAdd(
      { name: 'ana', role: 'admin', passwordStdin: true },
      { users, io },
    );
    const replaced = await runUsersAdd(
      { name: 'ana', role: 'admin', passwordStdin: true, replace: true },
      { users, io },
    );

    expect(refused).toBe(1);
    expect(io.stderr[0]).toContain('exists');
    expect(replaced).toBe(0);
    expect(await users.getUser('ana')).toEqual({ name: 'ana', role: 'admin' });
  });

  it('lists users with their tokens, never hashes', async () => {
    await users.addUser('bo', 'viewer', PASSWORD);
    await users.addUser('ana', 'admin', PASSWORD);
    const { id } = await users.createApiToken('ana', 'ci');
    const io = fakeIo();

    const code = await runUsersList({ users, io });

    expect(code).toBe(0);
    expect(io.stdout).toEqual([
      'ana  admin     since 2026-03-01T10:00:00.000Z',
      `     token ${id}  ci  created 2026-03-01T10:00:00.000Z`,
      'bo   viewer    since 2026-03-01T10:00:00.000Z',
    ]);
    expect(io.stdout.join('\n')).not.toContain('scrypt');
  });

  it('prints a token once on stdout, the id on stderr', async () => {
    await users.addUser('ana', 'approver', PASSWORD);
    const io = fakeIo();

    const code = await runUsersToken({ name: 'ana', label: 'ci' }, { users, io });

    expect(code).toBe(0);
    expect(io.stdout).toHaveLength(1);
    const token = io.stdout[0] ?? '';
    expect(token).toMatch(/^esk_[A-Za-z0-9_-]{43}$/);
    expect(await users.resolveApiToken(token)).toEqual({ name: 'ana', role: 'approver' });
    expect(io.stderr.join('\n')).not.toContain(token);
    expect(await runUsersToken({ name: 'nobody' }, { users, io })).toBe(1);
  });

  it('revokes tokens, changes roles and removes users', async () => {
    await users.addUser('ana', 'viewer', PASSWORD);
    const { token, id } = await users.createApiToken('ana', 'ci');
    const io = fakeIo();

    expect(await runUsersRole({ name: 'ana', role: 'approver' }, { users, io })).toBe(0);
    expect(await runUsersRole({ name: 'ana', role: 'boss' }, { users, io })).toBe(2);
    expect(await runUsersRevokeToken({ token: id }, { users, io })).toBe(0);
    expect(await runUsersRevokeToken({ token: id }, { users, io })).toBe(1);
    expect(await users.resolveApiToken(token)).toBeNull();
    expect(await runUsersRemove({ name: 'ana' }, { users, io })).toBe(0);
    expect(await runUsersRemove({ name: 'ana' }, { users, io })).toBe(1);
    expect(io.stdout).toEqual([
      'ana is now approver',
      'Revoked',
      'Removed ana; their sessions ended and their API tokens stopped working',
    ]);
  });
});
