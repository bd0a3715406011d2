import { createAdminJson, hasKey } from '../../shared/admin.js';
import { AdminLimits, AdminMetrics, AdminPost, AdminRawPost } from '../admin-schema.js';
import {
  jsonResponse,
  parseJsonBody,
  type SandboxHttpRequest,
  type SandboxHttpResponse,
} from '../http.js';
import type { RateLimiter } from '../rate-limit.js';
import {
  addPost,
  brandPostToQuote,
  mentionsHandle,
  newPostId,
  newestFirst,
  rawSortKey,
  resetState,
  upsertUser,
  type SandboxState,
} from '../state.js';
import type { SandboxRequestLog, XRateLimits } from '../types.js';

export const ADMIN_PREFIX = '/__sandbox/x';

export interface AdminContext {
  state: SandboxState;
  limiter: RateLimiter;
  log: SandboxRequestLog[];
}

const admin = createAdminJson({ jsonResponse, parseJsonBody });

function storePost(
  state: SandboxState,
  body: AdminPost,
  kind: 'mention' | 'public',
): SandboxHttpResponse {
  if (body.author.username.toLowerCase() === state.brand.username.toLowerCase()) {
    return admin.error(400, [
      'author.username: is the brand account; the brand posts through POST /2/tweets',
    ]);
  }
  const parent =
    body.in_reply_to_tweet_id === undefined
      ? undefined
      : state.posts.get(body.in_reply_to_tweet_id);
  if (body.in_reply_to_tweet_id !== undefined && !parent) {
    return admin.error(400, [`in_reply_to_tweet_id: no post with id ${body.in_reply_to_tweet_id}`]);
  }
  const mentions = mentionsHandle(body.text, state.brand.username);
  if (kind === 'public' && (mentions || body.quote_of_brand_post)) {
    return admin.error(400, [
      `text: a post that mentions or quotes @${state.brand.username} belongs in POST ${ADMIN_PREFIX}/mentions`,
    ]);
  }
  // A quote summons the brand without a mention, so quotes keep their text as given.
  const text =
    kind === 'mention' && !mentions && !body.quote_of_brand_post
      ? `@${state.brand.username} ${body.text}`
      : body.text;
  const quoted = body.quote_of_brand_post ? brandPostToQuote(state) : undefined;
  const author = upsertUser(state, body.author);
  const { id, sortKey } = newPostId(state);
  addPost(state, {
    id,
    sortKey,
    kind,
    text,
    authorId: author.id,
    createdAt: body.created_at === undefined ? state.now() : Date.parse(body.created_at),
    lang: body.lang ?? 'en',
    conversationId: body.conversation_id ?? parent?.conversationId ?? id,
    inReplyToTweetId: parent?.id ?? null,
    inReplyToUserId: parent?.authorId ?? null,
    quotedTweetId: quoted?.id ?? null,
    seed: false,
    retweetCount: body.retweet_count ?? 0,
    likeCount: body.like_count ?? 0,
  });
  return jsonResponse(201, { id, author_id: author.id });
}

function storeRaw(state: SandboxState, body: AdminRawPost): SandboxHttpResponse {
  const { id, sortKey } = rawSortKey(state, body.raw.id);
  const raw: Record<string, unknown> = { ...body.raw, id };
  const createdAt =
    typeof raw.created_at === 'string' && !Number.isNaN(Date.parse(raw.created_at))
      ? Date.parse(raw.created_at)
      : state.now();
  const post = addPost(state, {
    id,
    sortKey,
    kind: 'raw',
    text: typeof raw.text === 'string' ? raw.text : '',
    authorId: typeof raw.author_id === 'string' ? raw.author_id : '',
    createdAt,
    lang: typeof raw.lang === 'string' ? raw.lang : null,
    conversationId: typeof raw.conversation_id === 'string' ? raw.conversation_id : id,
    inReplyToTweetId: null,
    inReplyToUserId: null,
    quotedTweetId: null,
    seed: false,
    raw,
  });
  if (body.rawAuthor) {
    post.rawAuthor = body.rawAuthor;
  }
  return jsonResponse(201, { id });
}

/** Posts oldest first; `by` is `brand` or a username, absent for every post. */
function listPosts(state: SandboxState, by: string | null): SandboxHttpResponse {
  let authorId: string | undefined;
  if (by === 'brand') {
    authorId = state.brand.id;
  } else if (by !== null) {
    authorId = state.userIdsByName.get(by.toLowerCase()) ?? '';
  }
  const posts = newestFirst(state.posts.values())
    .reverse()
    .filter((post) => !post.seed && (authorId === undefined || post.authorId === authorId))
    .map((post) => ({
      id: post.id,
      author_id: post.authorId,
      text: post.text,
      in_reply_to_tweet_id: post.inReplyToTweetId,
      quote_tweet_id: post.quotedTweetId,
      created_at: new Date(post.createdAt).toISOString(),
    }));
  return jsonResponse(200, { data: posts });
}

/** Sets the reposts and likes of a stored post, as if people had reposted or liked it since. */
function setMetrics(state: SandboxState, id: string, body: AdminMetrics): SandboxHttpResponse {
  const post = state.posts.get(id);
  if (post === undefined) {
    return admin.error(404, [`no post with id ${id}`]);
  }
  if (body.retweet_count !== undefined) {
    post.retweetCount = body.retweet_count;
  }
  if (body.like_count !== undefined) {
    post.likeCount = body.like_count;
  }
  return jsonResponse(200, {
    id,
    retweet_count: post.retweetCount ?? 0,
    like_count: post.likeCount ?? 0,
  });
}

const METRICS_ROUTE = /^POST \/posts\/([0-9]{1,19})\/metrics$/;

/** Clears posts, users, DMs, rate-limit counters and the request log; limits stay as configured. */
export function resetSandbox(context: AdminContext): void {
  resetState(context.state);
  context.limiter.reset();
  context.log.length = 0;
}

/** Answers a request under {@link ADMIN_PREFIX}; no auth, JSON in and out. */
export function handleAdmin(
  context: AdminContext,
  request: SandboxHttpRequest,
): SandboxHttpResponse {
  const { state, limiter } = context;
  const route = `${request.method} ${request.url.pathname.slice(ADMIN_PREFIX.length)}`;
  const metrics = METRICS_ROUTE.exec(route);
  if (metrics !== null) {
    const body = admin.parse(request, AdminMetrics);
    return body.ok ? setMetrics(state, metrics[1] ?? '', body.value) : body.response;
  }
  switch (route) {
    case 'POST /mentions': {
      if (hasKey(parseJsonBody(request), 'raw')) {
        const raw = admin.parse(request, AdminRawPost);
        return raw.ok ? storeRaw(state, raw.value) : raw.response;
      }
      const post = admin.parse(request, AdminPost);
      return post.ok ? storePost(state, post.value, 'mention') : post.response;
    }
    case 'POST /posts': {
      const post = admin.parse(request, AdminPost);
      return post.ok ? storePost(state, post.value, 'public') : post.response;
    }
    case 'GET /posts':
      return listPosts(state, request.url.searchParams.get('by'));
    case 'GET /dms':
      return jsonResponse(200, {
        data: state.dms.map((dm) => ({
          dm_event_id: dm.dmEventId,
          dm_conversation_id: dm.dmConversationId,
          participant_id: dm.participantId,
          text: dm.text,
          created_at: new Date(dm.createdAt).toISOString(),
        })),
      });
    case 'GET /limits':
      return jsonResponse(200, { data: limiter.limits() });
    case 'POST /limits': {
      const limits = admin.parse(request, AdminLimits);
      if (!limits.ok) {
        return limits.response;
      }
      limiter.setLimits(limits.value satisfies Partial<XRateLimits>);
      return jsonResponse(200, { data: limiter.limits() });
    }
    case 'POST /reset':
      resetSandbox(context);
      return jsonResponse(200, { ok: true });
    case 'GET /requests':
      return jsonResponse(200, { data: context.log });
    default:
      // Unlike admin.error(404, ...), without `issues`: the shape X sandbox clients have always seen.
      return jsonResponse(404, { error: 'not-found', message: `No sandbox admin route ${route}` });
  }
}
