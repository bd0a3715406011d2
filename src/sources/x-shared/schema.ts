import { z } from 'zod';

/** X API v2 payloads: only the fields we need, permissive, so one odd item never drops a batch. */

export const XUser = z.object({
  id: z.string().regex(/^\d{1,19}$/),
  username: z.string().min(1),
  name: z.string().catch(''),
  verified: z.boolean().optional().catch(undefined),
  receives_your_dm: z.boolean().optional().catch(undefined),
  public_metrics: z
    .object({ followers_count: z.number().int().nonnegative().optional().catch(undefined) })
    .optional()
    .catch(undefined),
});
export type XUser = z.infer<typeof XUser>;

export const XTweet = z.object({
  id: z.string().regex(/^\d{1,19}$/),
  text: z.string(),
  author_id: z.string().regex(/^\d{1,19}$/),
  created_at: z.iso.datetime({ offset: true }).optional().catch(undefined),
  conversation_id: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional()
    .catch(undefined),
  lang: z.string().optional().catch(undefined),
  referenced_tweets: z
    .array(z.object({ type: z.string(), id: z.string() }))
    .optional()
    .catch(undefined),
  public_metrics: z
    .object({
      retweet_count: z.number().int().nonnegative(),
      reply_count: z.number().int().nonnegative(),
      like_count: z.number().int().nonnegative(),
      quote_count: z.number().int().nonnegative(),
    })
    .optional()
    .catch(undefined),
});
export type XTweet = z.infer<typeof XTweet>;

export const XPage = z.object({
  data: z.array(z.unknown()).optional().catch([]),
  includes: z
    .object({
      users: z.array(z.unknown()).optional().catch([]),
      tweets: z.array(z.unknown()).optional().catch([]),
    })
    .optional()
    .catch(undefined),
  meta: z
    .object({
      newest_id: z.string().optional(),
      oldest_id: z.string().optional(),
      result_count: z.number().optional(),
      next_token: z.string().optional(),
    })
    .optional()
    .catch(undefined),
});
export type XPage = z.infer<typeof XPage>;
