import type { Mention, SourceId } from '../../core/types.js';
import type { SkippedItem } from '../types.js';
import { XPage, XTweet, XUser } from './schema.js';

export interface BrandAccount {
  id: string;
  handle: string;
}

export const TWEET_FIELDS = [
  'created_at',
  'author_id',
  'conversation_id',
  'lang',
  'referenced_tweets',
  'in_reply_to_user_id',
  'public_metrics',
] as const;
export const USER_FIELDS = [
  'name',
  'username',
  'verified',
  'public_metrics',
  'receives_your_dm',
] as const;
export const EXPANSIONS = ['author_id', 'referenced_tweets.id'] as const;

function mentionsHandle(text: string, handle: string): boolean {
  const escaped = handle.replace(/[^\w]/g, '');
  return new RegExp(`(^|[^\\w@])@${escaped}(?!\\w)`, 'i').test(text);
}

/** Larger of two numeric ids given as strings (ids exceed Number's precision). */
export function maxId(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) {
    return b;
  }
  if (b === undefined) {
    return a;
  }
  return BigInt(a) >= BigInt(b) ? a : b;
}

/**
 * Maps one raw X page (data + includes) to Mentions, skipping (not dropping the batch for) malformed items.
 * `observedAt` (epoch ms) is when the page was read: the time the engagement counts belong to.
 */
export function mapXPage(
  raw: unknown,
  source: SourceId,
  brand: BrandAccount,
  observedAt: number,
): { mentions: Mention[]; skipped: SkippedItem[]; newestId: string | undefined } {
  const page = XPage.parse(raw ?? {});
  const users = new Map<string, XUser>();
  for (const candidate of page.includes?.users ?? []) {
    const user = XUser.safeParse(candidate);
    if (user.success) {
      users.set(user.data.id, user.data);
    }
  }
  const quotedBrandPosts = new Set<string>();
  for (const candidate of page.includes?.tweets ?? []) {
    const tweet = XTweet.safeParse(candidate);
    if (tweet.success && tweet.data.author_id === brand.id) {
      quotedBrandPosts.add(tweet.data.id);
    }
  }

  const mentions: Mention[] = [];
  const skipped: SkippedItem[] = [];
  let newestId: string | undefined;
  for (const candidate of page.data ?? []) {
    const rawId = (candidate as { id?: unknown } | null)?.id;
    const id = typeof rawId === 'string' && /^\d{1,19}$/.test(rawId) ? rawId : null;
    newestId = maxId(newestId, id ?? undefined);
    const tweet = XTweet.safeParse(candidate);
    if (!tweet.success) {
      const issue = tweet.error.issues[0];
      skipped.push({
        id,
        reason: `malformed post: ${issue?.path.join('.') || 'item'} ${issue?.message ?? ''}`.trim(),
      });
      continue;
    }
    const author = users.get(tweet.data.author_id);
    if (author === undefined) {
      skipped.push({ id, reason: `unknown author ${tweet.data.author_id}: not in includes.users` });
      continue;
    }
    if (author.id === brand.id) {
      skipped.push({ id, reason: 'posted by the brand account itself' });
      continue;
    }
    const quotesBrand = (tweet.data.referenced_tweets ?? []).some(
      (ref) => ref.type === 'quoted' && quotedBrandPosts.has(ref.id),
    );
    const repliedTo = (tweet.data.referenced_tweets ?? []).find((ref) => ref.type === 'replied_to');
    const metrics = tweet.data.public_metrics;
    mentions.push({
      source,
      id: tweet.data.id,
      text: tweet.data.text,
      lang: tweet.data.lang ?? null,
      author: {
        id: author.id,
        username: author.username,
        name: author.name || author.username,
        followersCount: author.public_metrics?.followers_count ?? null,
        verified: author.verified ?? false,
        ...(author.receives_your_dm !== undefined ? { acceptsDms: author.receives_your_dm } : {}),
      },
      createdAt: tweet.data.created_at ?? new Date(0).toISOString(),
      conversationId: tweet.data.conversation_id ?? tweet.data.id,
      inReplyToId: repliedTo?.id ?? null,
      mentionsBrand: mentionsHandle(tweet.data.text, brand.handle) || quotesBrand,
      url: `https://x.com/${author.username}/status/${tweet.data.id}`,
      engagement:
        metrics === undefined
          ? null
          : {
              shares: metrics.retweet_count + metrics.quote_count,
              replies: metrics.reply_count,
              likes: metrics.like_count,
              observedAt: new Date(observedAt).toISOString(),
            },
    });
  }
  return { mentions, skipped, newestId };
}
