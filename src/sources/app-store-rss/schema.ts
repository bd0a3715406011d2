import { z } from 'zod';

/**
 * The public customer-reviews feed (JSON variant, platform-facts §4.1): every value is wrapped as `{label}`,
 * `entry` is an array, a single object, or absent. Permissive, so one odd entry never drops a page.
 */

/** `{ label: "x" }` → "x"; bare strings and numbers (seen from mirrors and proxies) are accepted too. */
export const Label = z.union([
  z.object({ label: z.union([z.string(), z.number()]) }).transform((value) => String(value.label)),
  z.string(),
  z.number().transform(String),
]);
export type Label = z.infer<typeof Label>;

export const RssEntry = z.object({
  id: Label.pipe(z.string().regex(/^\d{1,20}$/, 'must be a numeric review id')),
  'im:rating': Label.pipe(z.string().regex(/^[1-5]$/, 'must be 1 to 5')).transform(Number),
  title: Label.optional().catch(undefined),
  content: Label,
  author: z
    .object({
      name: Label.optional().catch(undefined),
      uri: Label.optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
  updated: Label.pipe(z.iso.datetime({ offset: true })),
  'im:version': Label.optional().catch(undefined),
  'im:voteSum': Label.optional().catch(undefined),
  'im:voteCount': Label.optional().catch(undefined),
});
export type RssEntry = z.infer<typeof RssEntry>;

export const RssFeed = z.object({
  feed: z.object({ entry: z.unknown().optional() }),
});
export type RssFeed = z.infer<typeof RssFeed>;
