import { z } from 'zod';

import { TERRITORY_CODES } from '../../sources/app-store/territories.js';

/**
 * Bodies of the sandbox's own admin endpoints (not part of Apple's APIs), named with App Store Connect's field
 * names. Strict: a typo is an error, not a no-op.
 */

const Territory = z.enum(TERRITORY_CODES, {
  error: 'must be an App Store territory code like USA or GBR',
});

export const AdminReview = z.strictObject({
  rating: z.number().int().min(1).max(5),
  title: z.string(),
  body: z.string(),
  reviewerNickname: z.string().min(1),
  territory: Territory,
  createdDate: z.iso.datetime({ offset: true }).optional(),
  /** Shown as `im:version` in the public feed. Default 1.0. */
  appVersion: z.string().min(1).optional(),
});
export type AdminReview = z.infer<typeof AdminReview>;

export const AdminReviewEdit = z
  .strictObject({
    rating: z.number().int().min(1).max(5).optional(),
    title: z.string().optional(),
    body: z.string().optional(),
    reviewerNickname: z.string().min(1).optional(),
    appVersion: z.string().min(1).optional(),
    /** When the edit happened. Default: the sandbox clock. */
    lastModifiedDate: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((edit) => Object.keys(edit).some((key) => key !== 'lastModifiedDate'), {
    message: 'give at least one of rating, title, body, reviewerNickname, appVersion',
  });
export type AdminReviewEdit = z.infer<typeof AdminReviewEdit>;

/** A customerReviews resource stored verbatim and listed by App Store Connect, to feed consumers bad data. */
export const AdminRawReview = z.strictObject({ raw: z.record(z.string(), z.unknown()) });
export type AdminRawReview = z.infer<typeof AdminRawReview>;

/** A feed entry stored verbatim and served in one storefront's public feed. */
export const AdminRawFeedEntry = z.strictObject({
  rawFeedEntry: z.record(z.string(), z.unknown()),
  territory: Territory,
});
export type AdminRawFeedEntry = z.infer<typeof AdminRawFeedEntry>;

export const AdminLimits = z.strictObject({
  hourlyLimit: z.number().int().nonnegative().optional(),
  publishDelayMs: z.number().int().nonnegative().optional(),
});
export type AdminLimits = z.infer<typeof AdminLimits>;
