import twitterText from 'twitter-text';

import { resourceNotFound, type Problem } from './problems.js';
import type { SandboxPost, SandboxState, SandboxUser } from './state.js';

export interface RenderOptions {
  tweetFields: ReadonlySet<string>;
  userFields: ReadonlySet<string>;
  expansions: ReadonlySet<string>;
}

const DEFAULT_PROFILE_IMAGE =
  'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** twitter-text reports UTF-16 offsets; X v2 entity indices count code points. */
function codePointIndex(text: string, utf16Index: number): number {
  return Array.from(text.slice(0, utf16Index)).length;
}

function entitiesOf(state: SandboxState, text: string): Record<string, unknown> | undefined {
  const entities: Record<string, unknown> = {};
  const mentions = twitterText.extractMentionsWithIndices(text).map((mention) => {
    const id = state.userIdsByName.get(mention.screenName.toLowerCase());
    return {
      start: codePointIndex(text, mention.indices[0]),
      end: codePointIndex(text, mention.indices[1]),
      username: mention.screenName,
      ...(id !== undefined && state.users.has(id) ? { id } : {}),
    };
  });
  if (mentions.length > 0) {
    entities.mentions = mentions;
  }
  const hashtags = twitterText.extractHashtagsWithIndices(text).map((hashtag) => ({
    start: codePointIndex(text, hashtag.indices[0]),
    end: codePointIndex(text, hashtag.indices[1]),
    tag: hashtag.hashtag,
  }));
  if (hashtags.length > 0) {
    entities.hashtags = hashtags;
  }
  return Object.keys(entities).length > 0 ? entities : undefined;
}

function referencedTweets(post: SandboxPost): Array<{ type: string; id: string }> {
  const references: Array<{ type: string; id: string }> = [];
  if (post.inReplyToTweetId !== null) {
    references.push({ type: 'replied_to', id: post.inReplyToTweetId });
  }
  if (post.quotedTweetId !== null) {
    references.push({ type: 'quoted', id: post.quotedTweetId });
  }
  return references;
}

function countWhere(state: SandboxState, predicate: (post: SandboxPost) => boolean): number {
  let count = 0;
  for (const post of state.posts.values()) {
    if (predicate(post)) {
      count += 1;
    }
  }
  return count;
}

/** A post as X renders it: the default fields (id, text, edit_history_tweet_ids) plus requested ones. */
export function renderTweet(
  state: SandboxState,
  post: SandboxPost,
  fields: ReadonlySet<string>,
): Record<string, unknown> {
  if (post.raw) {
    return post.raw;
  }
  const tweet: Record<string, unknown> = {
    id: post.id,
    text: post.text,
    edit_history_tweet_ids: [post.id],
  };
  if (fields.has('author_id')) {
    tweet.author_id = post.authorId;
  }
  if (fields.has('created_at')) {
    tweet.created_at = iso(post.createdAt);
  }
  if (fields.has('conversation_id')) {
    tweet.conversation_id = post.conversationId;
  }
  if (fields.has('in_reply_to_user_id') && post.inReplyToUserId !== null) {
    tweet.in_reply_to_user_id = post.inReplyToUserId;
  }
  if (fields.has('lang') && post.lang !== null) {
    tweet.lang = post.lang;
  }
  const references = referencedTweets(post);
  if (fields.has('referenced_tweets') && references.length > 0) {
    tweet.referenced_tweets = references;
  }
  if (fields.has('entities')) {
    const entities = entitiesOf(state, post.text);
    if (entities) {
      tweet.entities = entities;
    }
  }
  if (fields.has('public_metrics')) {
    tweet.public_metrics = {
      retweet_count: post.retweetCount ?? 0,
      reply_count: countWhere(state, (other) => other.inReplyToTweetId === post.id),
      like_count: post.likeCount ?? 0,
      quote_count: countWhere(state, (other) => other.quotedTweetId === post.id),
      bookmark_count: 0,
      impression_count: 0,
    };
  }
  if (fields.has('possibly_sensitive')) {
    tweet.possibly_sensitive = false;
  }
  if (fields.has('reply_settings')) {
    tweet.reply_settings = 'everyone';
  }
  if (fields.has('edit_controls')) {
    tweet.edit_controls = {
      is_edit_eligible: false,
      editable_until: iso(post.createdAt + 3_600_000),
      edits_remaining: 5,
    };
  }
  return tweet;
}

/** A user as X renders it: id, name, username plus requested fields. */
export function renderUser(
  state: SandboxState,
  user: SandboxUser,
  fields: ReadonlySet<string>,
): Record<string, unknown> {
  const rendered: Record<string, unknown> = {
    id: user.id,
    name: user.name,
    username: user.username,
  };
  if (fields.has('created_at')) {
    rendered.created_at = iso(user.createdAt);
  }
  if (fields.has('description')) {
    rendered.description = '';
  }
  if (fields.has('protected')) {
    rendered.protected = false;
  }
  if (fields.has('profile_image_url')) {
    rendered.profile_image_url = DEFAULT_PROFILE_IMAGE;
  }
  if (fields.has('verified')) {
    rendered.verified = user.verified;
  }
  if (fields.has('verified_type')) {
    rendered.verified_type = user.verified ? 'blue' : 'none';
  }
  if (fields.has('receives_your_dm')) {
    rendered.receives_your_dm = user.acceptsDms;
  }
  if (fields.has('public_metrics')) {
    rendered.public_metrics = {
      followers_count: user.followersCount,
      following_count: user.followingCount,
      tweet_count: countWhere(state, (post) => post.authorId === user.id),
      listed_count: 0,
      like_count: 0,
    };
  }
  return rendered;
}

export interface RenderedPage {
  data?: Array<Record<string, unknown>>;
  includes?: { users?: Array<Record<string, unknown>>; tweets?: Array<Record<string, unknown>> };
  errors?: Problem[];
}

/** data, includes and partial errors for a list of posts, as timelines and search return them. */
export function renderPosts(
  state: SandboxState,
  posts: SandboxPost[],
  options: RenderOptions,
): RenderedPage {
  if (posts.length === 0) {
    return {};
  }
  const users = new Map<string, Record<string, unknown>>();
  const tweets = new Map<string, Record<string, unknown>>();
  const errors: Problem[] = [];
  const missing = new Set<string>();

  function includeUser(id: string, parameter: string): void {
    if (users.has(id)) {
      return;
    }
    const user = state.users.get(id);
    if (user) {
      users.set(id, renderUser(state, user, options.userFields));
      return;
    }
    if (!missing.has(`user:${id}`)) {
      missing.add(`user:${id}`);
      errors.push(resourceNotFound({ parameter, resourceType: 'user', id }));
    }
  }

  function includeAuthor(post: SandboxPost): void {
    if (post.rawAuthor && typeof post.rawAuthor.id === 'string') {
      users.set(post.rawAuthor.id, post.rawAuthor);
      return;
    }
    if (post.authorId !== '') {
      includeUser(post.authorId, 'author_id');
    }
  }

  for (const post of posts) {
    if (options.expansions.has('author_id')) {
      includeAuthor(post);
    }
    if (options.expansions.has('in_reply_to_user_id') && post.inReplyToUserId !== null) {
      includeUser(post.inReplyToUserId, 'in_reply_to_user_id');
    }
    if (!options.expansions.has('referenced_tweets.id')) {
      continue;
    }
    for (const reference of referencedTweets(post)) {
      const referenced = state.posts.get(reference.id);
      if (!referenced) {
        if (!missing.has(`tweet:${reference.id}`)) {
          missing.add(`tweet:${reference.id}`);
          errors.push(
            resourceNotFound({
              parameter: 'referenced_tweets.id',
              resourceType: 'tweet',
              id: reference.id,
            }),
          );
        }
        continue;
      }
      tweets.set(referenced.id, renderTweet(state, referenced, options.tweetFields));
      if (options.expansions.has('referenced_tweets.id.author_id')) {
        includeAuthor(referenced);
      }
    }
  }

  const page: RenderedPage = {
    data: posts.map((post) => renderTweet(state, post, options.tweetFields)),
  };
  if (users.size > 0 || tweets.size > 0) {
    page.includes = {};
    if (users.size > 0) {
      page.includes.users = [...users.values()];
    }
    if (tweets.size > 0) {
      page.includes.tweets = [...tweets.values()];
    }
  }
  if (errors.length > 0) {
    page.errors = errors;
  }
  return page;
}
