import { z } from 'zod';

/**
 * androidpublisher v3 review payloads (discovery schemas Review, Comment, UserComment, Timestamp,
 * ReviewsListResponse): only the fields we need, permissive, so one odd review never drops a batch.
 */

/** int64 seconds arrive as a string; nanos are left out when zero (proto3 JSON). */
export const PlayTimestamp = z.object({
  seconds: z
    .union([
      z.string().regex(/^\d{1,12}$/, 'must be whole seconds since the epoch'),
      z.number().int().nonnegative(),
    ])
    .transform(String),
  nanos: z.number().int().min(0).max(999_999_999).optional().catch(undefined),
});
export type PlayTimestamp = z.infer<typeof PlayTimestamp>;

const optionalString = z.string().optional().catch(undefined);
const optionalInt = z.number().int().optional().catch(undefined);

export const PlayUserComment = z.object({
  text: z.string(),
  lastModified: PlayTimestamp,
  starRating: z.number().int().min(1).max(5),
  originalText: optionalString,
  reviewerLanguage: optionalString,
  device: optionalString,
  androidOsVersion: optionalInt,
  appVersionCode: optionalInt,
  appVersionName: optionalString,
  deviceMetadata: z
    .object({ productName: optionalString, manufacturer: optionalString })
    .optional()
    .catch(undefined),
});
export type PlayUserComment = z.infer<typeof PlayUserComment>;

export const PlayDeveloperComment = z.object({
  text: z.string(),
  lastModified: PlayTimestamp.optional().catch(undefined),
});
export type PlayDeveloperComment = z.infer<typeof PlayDeveloperComment>;

export const PlayReview = z.object({
  reviewId: z.string().min(1),
  authorName: optionalString,
  comments: z.array(z.unknown()),
});
export type PlayReview = z.infer<typeof PlayReview>;

export const PlayReviewsPage = z.object({
  reviews: z.array(z.unknown()).optional().catch([]),
  tokenPagination: z
    .object({ nextPageToken: z.string().min(1).optional().catch(undefined) })
    .optional()
    .catch(undefined),
});
export type PlayReviewsPage = z.infer<typeof PlayReviewsPage>;
