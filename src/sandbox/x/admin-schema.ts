import { z } from 'zod';

/** Bodies of the sandbox's own admin endpoints (not part of X). Strict: a typo is an error, not a no-op. */

const XId = z.string().regex(/^[0-9]{1,19}$/, 'must be a string of 1 to 19 digits');

export const AdminAuthor = z.strictObject({
  username: z.string().regex(/^[A-Za-z0-9_]{1,15}$/, 'must be 1 to 15 letters, digits or _'),
  name: z.string().min(1).max(50).optional(),
  followers_count: z.number().int().nonnegative().optional(),
  verified: z.boolean().optional(),
  accepts_dms: z.boolean().optional(),
});
export type AdminAuthor = z.infer<typeof AdminAuthor>;

export const AdminPost = z.strictObject({
  text: z.string().min(1),
  author: AdminAuthor,
  lang: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)?$/, 'must be a BCP 47 language tag like en or pt-BR')
    .optional(),
  in_reply_to_tweet_id: XId.optional(),
  conversation_id: XId.optional(),
  created_at: z.iso.datetime({ offset: true }).optional(),
  quote_of_brand_post: z.boolean().optional(),
  /** Reposts and likes others made (X counts them; the sandbox has no such endpoints to make them). */
  retweet_count: z.number().int().nonnegative().optional(),
  like_count: z.number().int().nonnegative().optional(),
});
export type AdminPost = z.infer<typeof AdminPost>;

/** New public counts for a stored post; replies and quotes are counted from the posts themselves. */
export const AdminMetrics = z
  .strictObject({
    retweet_count: z.number().int().nonnegative().optional(),
    like_count: z.number().int().nonnegative().optional(),
  })
  .refine((body) => body.retweet_count !== undefined || body.like_count !== undefined, {
    message: 'give retweet_count, like_count or both',
  });
export type AdminMetrics = z.infer<typeof AdminMetrics>;

/** A tweet object stored verbatim, to feed consumers malformed data on purpose. */
export const AdminRawPost = z.strictObject({
  raw: z.record(z.string(), z.unknown()),
  rawAuthor: z.record(z.string(), z.unknown()).optional(),
});
export type AdminRawPost = z.infer<typeof AdminRawPost>;

const Limit = z.number().int().nonnegative().nullable().optional();

const AdminEndpointLimits = z
  .strictObject({ perUser15m: Limit, perApp15m: Limit, perUser24h: Limit, perApp24h: Limit })
  .optional();

export const AdminLimits = z.strictObject({
  'GET /2/users/me': AdminEndpointLimits,
  'GET /2/users/:id/mentions': AdminEndpointLimits,
  'GET /2/tweets/search/recent': AdminEndpointLimits,
  'GET /2/tweets': AdminEndpointLimits,
  'POST /2/tweets': AdminEndpointLimits,
  'POST /2/dm_conversations/with/:participant_id/messages': AdminEndpointLimits,
  'GET /2/dm_conversations/with/:participant_id/dm_events': AdminEndpointLimits,
});
export type AdminLimits = z.infer<typeof AdminLimits>;
