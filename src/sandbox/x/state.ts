import { createIdGenerator, createSequence, isXId, type IdGenerator } from './ids.js';

export interface SandboxUser {
  id: string;
  username: string;
  name: string;
  followersCount: number;
  followingCount: number;
  verified: boolean;
  acceptsDms: boolean;
  createdAt: number;
}

/**
 * mention: @mentions or quotes the brand, lives in the mention timeline and may be replied to.
 * public: any other public post, only found by search.
 * brand: posted by the brand account (through POST /2/tweets, or seeded to be quoted).
 * raw: injected verbatim by tests; lives in the mention timeline, rendered as stored.
 */
export type PostKind = 'mention' | 'public' | 'brand' | 'raw';

export interface SandboxPost {
  id: string;
  /** Orders posts (newest = largest); equals BigInt(id) unless a raw post has a non-numeric id. */
  sortKey: bigint;
  kind: PostKind;
  text: string;
  authorId: string;
  createdAt: number;
  lang: string | null;
  conversationId: string;
  inReplyToTweetId: string | null;
  inReplyToUserId: string | null;
  quotedTweetId: string | null;
  /** Reposts and likes set through the admin API; replies and quotes are counted from the posts themselves. */
  retweetCount?: number;
  likeCount?: number;
  /** Seeded brand posts exist only so a mention can quote them; they are not listed as brand output. */
  seed: boolean;
  raw?: Record<string, unknown>;
  rawAuthor?: Record<string, unknown>;
}

export interface SandboxDm {
  dmEventId: string;
  dmConversationId: string;
  participantId: string;
  text: string;
  createdAt: number;
}

export interface SandboxState {
  brand: SandboxUser;
  users: Map<string, SandboxUser>;
  posts: Map<string, SandboxPost>;
  dms: SandboxDm[];
  postIds: IdGenerator;
  now: () => number;
  /** username (lower-case) → user id; survives reset so a username always maps to the same id. */
  userIdsByName: Map<string, string>;
  userIds: IdGenerator;
}

const FIRST_USER_ID = 1_000_000_001n;

export function createState(
  brand: { id: string; username: string; name: string },
  now: () => number,
): SandboxState {
  const brandUser: SandboxUser = {
    id: brand.id,
    username: brand.username,
    name: brand.name,
    followersCount: 10_000,
    followingCount: 100,
    verified: true,
    acceptsDms: true,
    createdAt: Date.UTC(2012, 0, 1),
  };
  const state: SandboxState = {
    brand: brandUser,
    users: new Map(),
    posts: new Map(),
    dms: [],
    postIds: createIdGenerator(now),
    now,
    userIdsByName: new Map([[brand.username.toLowerCase(), brand.id]]),
    userIds: createSequence(FIRST_USER_ID),
  };
  state.users.set(brand.id, brandUser);
  return state;
}

/** Forgets posts, DMs and users other than the brand; ids keep increasing. */
export function resetState(state: SandboxState): void {
  state.users.clear();
  state.users.set(state.brand.id, state.brand);
  state.posts.clear();
  state.dms.length = 0;
}

export function findUserByName(state: SandboxState, username: string): SandboxUser | undefined {
  const id = state.userIdsByName.get(username.toLowerCase());
  return id === undefined ? undefined : state.users.get(id);
}

export interface UserInput {
  username: string;
  name?: string;
  followers_count?: number;
  verified?: boolean;
  accepts_dms?: boolean;
}

/** The user with this username, created on first sight; given attributes overwrite stored ones. */
export function upsertUser(state: SandboxState, input: UserInput): SandboxUser {
  const key = input.username.toLowerCase();
  let id = state.userIdsByName.get(key);
  if (id === undefined) {
    do {
      id = state.userIds.next();
    } while (id === state.brand.id);
    state.userIdsByName.set(key, id);
  }
  const existing = state.users.get(id);
  const user: SandboxUser = {
    id,
    username: input.username,
    name: input.name ?? existing?.name ?? input.username,
    followersCount: input.followers_count ?? existing?.followersCount ?? 0,
    followingCount: existing?.followingCount ?? 0,
    verified: input.verified ?? existing?.verified ?? false,
    acceptsDms: input.accepts_dms ?? existing?.acceptsDms ?? true,
    createdAt: existing?.createdAt ?? state.now(),
  };
  state.users.set(id, user);
  return user;
}

const MENTION_BOUNDARY = '(?:^|[^A-Za-z0-9_])';

/** Whether `text` @mentions `username` as a whole handle (so @acme does not match @acmecorp). */
export function mentionsHandle(text: string, username: string): boolean {
  const escaped = username.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${MENTION_BOUNDARY}@${escaped}(?![A-Za-z0-9_])`, 'i').test(text);
}

export function addPost(state: SandboxState, post: SandboxPost): SandboxPost {
  state.posts.set(post.id, post);
  return post;
}

export function newPostId(state: SandboxState): { id: string; sortKey: bigint } {
  const id = state.postIds.next();
  return { id, sortKey: BigInt(id) };
}

/** Posts sorted newest first. */
export function newestFirst(posts: Iterable<SandboxPost>): SandboxPost[] {
  return [...posts].sort((a, b) => {
    if (a.sortKey === b.sortKey) {
      return 0;
    }
    return a.sortKey > b.sortKey ? -1 : 1;
  });
}

/** Whether the brand may reply to this post under X's self-serve "summoned" rule. */
export function isSummoned(state: SandboxState, post: SandboxPost): boolean {
  if (post.kind === 'mention' || post.kind === 'raw' || post.kind === 'brand') {
    return true;
  }
  if (mentionsHandle(post.text, state.brand.username)) {
    return true;
  }
  const quoted = post.quotedTweetId === null ? undefined : state.posts.get(post.quotedTweetId);
  return quoted?.authorId === state.brand.id;
}

/** The brand post a new quote should point at: the latest one, or a seeded one when none exists. */
export function brandPostToQuote(state: SandboxState): SandboxPost {
  const latest = newestFirst(state.posts.values()).find((post) => post.kind === 'brand');
  if (latest) {
    return latest;
  }
  const { id, sortKey } = newPostId(state);
  return addPost(state, {
    id,
    sortKey,
    kind: 'brand',
    text: `News from @${state.brand.username}`,
    authorId: state.brand.id,
    createdAt: state.now(),
    lang: 'en',
    conversationId: id,
    inReplyToTweetId: null,
    inReplyToUserId: null,
    quotedTweetId: null,
    seed: true,
  });
}

export function rawSortKey(state: SandboxState, rawId: unknown): { id: string; sortKey: bigint } {
  if (typeof rawId === 'string' && isXId(rawId)) {
    return { id: rawId, sortKey: BigInt(rawId) };
  }
  const fresh = newPostId(state);
  if (typeof rawId === 'string') {
    return { id: rawId, sortKey: fresh.sortKey };
  }
  return fresh;
}
