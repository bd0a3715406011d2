import { z } from 'zod';

/**
 * App Store Connect payloads (spec 4.4.1): only the fields we need, permissive, so one odd review never drops
 * a batch. Items are parsed one by one with safeParse; pages only need `data` to be an array.
 */

/** 1–5 as a number, or as a one-digit string from a sloppy proxy. */
const Rating = z.union([
  z.number().int().min(1).max(5),
  z
    .string()
    .regex(/^[1-5]$/)
    .transform(Number),
]);

export const AscReview = z.object({
  type: z.literal('customerReviews'),
  id: z.string().min(1).max(200),
  attributes: z.object({
    rating: Rating,
    title: z.string().optional().catch(undefined),
    body: z.string(),
    reviewerNickname: z.string().optional().catch(undefined),
    createdDate: z.iso.datetime({ offset: true }),
    territory: z.string().optional().catch(undefined),
  }),
  relationships: z
    .object({
      response: z
        .object({
          data: z.object({ type: z.string(), id: z.string() }).optional().catch(undefined),
        })
        .optional()
        .catch(undefined),
    })
    .optional()
    .catch(undefined),
});
export type AscReview = z.infer<typeof AscReview>;

export const AscResponseState = z.enum(['PENDING_PUBLISH', 'PUBLISHED']);
export type AscResponseState = z.infer<typeof AscResponseState>;

export const AscReviewResponse = z.object({
  type: z.literal('customerReviewResponses'),
  id: z.string().min(1),
  attributes: z
    .object({
      responseBody: z.string().optional().catch(undefined),
      lastModifiedDate: z.iso.datetime({ offset: true }).optional().catch(undefined),
      state: AscResponseState.optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
  relationships: z
    .object({
      review: z
        .object({ data: z.object({ id: z.string() }).optional().catch(undefined) })
        .optional()
        .catch(undefined),
    })
    .optional()
    .catch(undefined),
});
export type AscReviewResponse = z.infer<typeof AscReviewResponse>;

export const AscReviewsPage = z.object({
  data: z.array(z.unknown()),
  included: z.array(z.unknown()).optional().catch([]),
  links: z
    .object({ next: z.string().optional().catch(undefined) })
    .optional()
    .catch(undefined),
});
export type AscReviewsPage = z.infer<typeof AscReviewsPage>;

export const AscReviewResponseDocument = z.object({ data: AscReviewResponse });
export type AscReviewResponseDocument = z.infer<typeof AscReviewResponseDocument>;

export const AscError = z.object({
  status: z.string().optional().catch(undefined),
  code: z.string().optional().catch(undefined),
  title: z.string().optional().catch(undefined),
  detail: z.string().optional().catch(undefined),
});
export type AscError = z.infer<typeof AscError>;

export const AscErrorResponse = z.object({ errors: z.array(AscError).min(1) });
export type AscErrorResponse = z.infer<typeof AscErrorResponse>;
