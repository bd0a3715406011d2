import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Role } from '../app/drafts.js';
import { ROLES, UserStoreError, type UserStore } from '../store/users.js';

/**
 * What the `earshot users` commands may touch. The composition root builds it from process.stdin/stdout;
 * tests pass strings.
 */
export interface UsersCliIo {
  out(line: string): void;
  err(line: string): void;
  /** True when stdin is a terminal, so a hidden prompt is possible. */
  stdinIsTTY: boolean;
  /** All of stdin (for --password-stdin). */
  readStdin(): Promise<string>;
  /** Asks on the terminal without echoing what is typed. */
  promptHidden(question: string): Promise<string>;
}

export interface UsersCliDeps {
  users: UserStore;
  io: UsersCliIo;
}

export interface UsersAddOptions {
  name: string;
  role: string;
  passwordStdin?: boolean;
  /** Overwrite an existing user (new password and role; their sessions end). */
  replace?: boolean;
}

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Reports a UserStoreError as a one-line message and exit code 1; rethrows anything else. */
function fail(error: unknown, io: UsersCliIo): number {
  if (error instanceof UserStoreError) {
    io.err(error.message);
    return 1;
  }
  throw error;
}

async function readPassword(options: UsersAddOptions, io: UsersCliIo): Promise<string | null> {
  if (options.passwordStdin === true) {
    // The first line only, without its line ending: `printf '%s\n' "$PW" | earshot users add …` works.
    const [first = ''] = (await io.readStdin()).split(/\r?\n/);
    return first;
  }
  if (!io.stdinIsTTY) {
    io.err('No terminal to ask for the password on; pipe it in with --password-stdin');
    return null;
  }
  const password = await io.promptHidden(`Password for ${options.name}: `);
  const again = await io.promptHidden('Repeat the password: ');
  if (password !== again) {
    io.err('The passwords differ; nothing changed');
    return null;
  }
  return password;
}

/** `earshot users add <name> --role <role> [--password-stdin] [--replace]`. Exit 0, 1 (refused) or 2 (usage). */
export async function runUsersAdd(options: UsersAddOptions, deps: UsersCliDeps): Promise<number> {
  const { users, io } = deps;
  if (!isRole(options.role)) {
    io.err(`--role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(options.role)})`);
    return 2;
  }
  const password = await readPassword(options, io);
  if (password === null) {
    return 2;
  }
  try {
    const user = await users.addUser(options.name, options.role, password, {
      replace: options.replace ?? false,
    });
    io.out(`${options.replace === true ? 'Replaced' : 'Added'} ${user.name} (${user.role})`);
    return 0;
  } catch (error) {
    return fail(error, io);
  }
}

/** `earshot users list`: one line per user with their role, creation time and API tokens. */
export async function runUsersList(deps: UsersCliDeps): Promise<number> {
  const { users, io } = deps;
  const all = await users.listUsers();
  if (all.length === 0) {
    io.err('No users yet; add one with `earshot users add <name> --role admin`');
    return 0;
  }
  const tokens = await users.listApiTokens();
  const width = Math.max(...all.map((user) => user.name.length));
  for (const user of all) {
    io.out(`${user.name.padEnd(width)}  ${user.role.padEnd(8)}  since ${user.createdAt}`);
    for (const token of tokens) {
      if (token.user === user.name) {
        io.out(
          `${''.padEnd(width)}  token ${token.id}  ${token.label}  created ${token.createdAt}`,
        );
      }
    }
  }
  return 0;
}

/** `earshot users remove <name>`: also ends their sessions and revokes their tokens. */
export async function runUsersRemove(
  options: { name: string },
  deps: UsersCliDeps,
): Promise<number> {
  const { users, io } = deps;
  if (!(await users.removeUser(options.name))) {
    io.err(`No user ${options.name}`);
    return 1;
  }
  io.out(`Removed ${options.name}; their sessions ended and their API tokens stopped working`);
  return 0;
}

/** `earshot users role <name> <role>`. */
export async function runUsersRole(
  options: { name: string; role: string },
  deps: UsersCliDeps,
): Promise<number> {
  const { users, io } = deps;
  if (!isRole(options.role)) {
    io.err(`The role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(options.role)})`);
    return 2;
  }
  try {
    const user = await users.setRole(options.name, options.role);
    io.out(`${user.name} is now ${user.role}`);
    return 0;
  } catch (error) {
    return fail(error, io);
  }
}

/**
 * `earshot users token <name> [--label X]`: prints the token alone on stdout (so it can be piped into a
 * secret store) and its id for revocation on stderr. It is shown this once; only its hash is kept.
 */
export async function runUsersToken(
  options: { name: string; label?: string },
  deps: UsersCliDeps,
): Promise<number> {
  const { users, io } = deps;
  const label = options.label ?? 'api';
  try {
    const { token, id } = await users.createApiToken(options.name, label);
    io.out(token);
    io.err(
      `API token ${id} for ${options.name} (${label}). Store it now: it is not shown again. ` +
        `Revoke it with \`earshot users revoke-token ${id}\`.`,
    );
    return 0;
  } catch (error) {
    return fail(error, io);
  }
}

/** `earshot users revoke-token <id-or-token>`. */
export async function runUsersRevokeToken(
  options: { token: string },
  deps: UsersCliDeps,
): Promise<number> {
  const { users, io } = deps;
  if (!(await users.revokeApiToken(options.token))) {
    io.err('No such token (give the id `earshot users list` shows, or the token itself)');
    return 1;
  }
  io.out('Revoked');
  return 0;
}

/** Reads one line from a terminal without echoing it; Ctrl-C rejects. */
export function promptHidden(
  question: string,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<string> {
  const silent = new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
  output.write(question);
  const reader = createInterface({ input, output: silent, terminal: true });
  return new Promise((resolve, reject) => {
    reader.on('SIGINT', () => {
      reader.close();
      output.write('\n');
      reject(new Error('Cancelled'));
    });
    reader.question('', (answer) => {
      reader.close();
      output.write('\n');
      resolve(answer);
    });
  });
}

/** Reads a whole stream as UTF-8 (stdin for --password-stdin). */
export async function readAll(input: AsyncIterable<unknown>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString('utf8');
}
