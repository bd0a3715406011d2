import { z } from 'zod';

/**
 * Bodies of the sandbox's own admin endpoints (not part of Google Play), using Play's field names. Strict:
 * a typo is an error, not a no-op.
 */

const Count = z.number().int().nonnegative();
const Language = z
  .string()
  .regex(/^[a-z]{2,3}([-_][A-Za-z0-9]+)*$/, 'must be a language code like en, pt_BR or pt-BR');

export const AdminDeviceMetadata = z.strictObject({
  productName: z.string().optional(),
  manufacturer: z.string().optional(),
  deviceClass: z.string().optional(),
  screenWidthPx: Count.optional(),
  screenHeightPx: Count.optional(),
  nativePlatform: z.string().optional(),
  screenDensityDpi: Count.optional(),
  glEsVersion: Count.optional(),
  cpuModel: z.string().optional(),
  cpuMake: z.string().optional(),
  ramMb: Count.optional(),
});

const editable = {
  text: z.string().min(1, 'must not be empty'),
  /** Joined to the text with a TAB, as Play stores reviews that have a title. */
  title: z.string().optional(),
  starRating: z.number().int().min(1, 'must be 1 to 5').max(5, 'must be 1 to 5'),
  reviewerLanguage: Language.optional(),
  appVersionName: z.string().min(1).optional(),
  appVersionCode: z.number().int().positive().optional(),
  device: z.string().min(1).optional(),
  androidOsVersion: z.number().int().positive().optional(),
  thumbsUpCount: Count.optional(),
  thumbsDownCount: Count.optional(),
  deviceMetadata: AdminDeviceMetadata.optional(),
};

export const AdminReview = z.strictObject({
  authorName: z.string().min(1, 'must not be empty').max(100),
  ...editable,
  /** ISO 8601; backdates the review. Default: the sandbox clock. */
  lastModified: z.iso.datetime({ offset: true }).optional(),
});
export type AdminReview = z.infer<typeof AdminReview>;

export const AdminReviewEdit = z
  .strictObject({
    authorName: z.string().min(1).max(100).optional(),
    text: editable.text.optional(),
    title: editable.title,
    starRating: editable.starRating.optional(),
    reviewerLanguage: editable.reviewerLanguage,
    appVersionName: editable.appVersionName,
    appVersionCode: editable.appVersionCode,
    device: editable.device,
    androidOsVersion: editable.androidOsVersion,
    thumbsUpCount: editable.thumbsUpCount,
    thumbsDownCount: editable.thumbsDownCount,
    deviceMetadata: editable.deviceMetadata,
  })
  .refine((edit) => Object.keys(edit).length > 0, 'give at least one field to change');
export type AdminReviewEdit = z.infer<typeof AdminReviewEdit>;

/** A review object stored and served verbatim, to feed consumers malformed data on purpose. */
export const AdminRawReview = z.strictObject({ raw: z.record(z.string(), z.unknown()) });
export type AdminRawReview = z.infer<typeof AdminRawReview>;

export const AdminLimits = z.strictObject({
  readsPerHour: Count.optional(),
  repliesPerDay: Count.optional(),
  windowDays: z.number().int().positive().optional(),
});
export type AdminLimits = z.infer<typeof AdminLimits>;

export const AdminServiceAccount = z.strictObject({
  client_email: z.email(),
  private_key_id: z.string().min(1),
  /** SPKI PEM (-----BEGIN PUBLIC KEY-----) of the account's RSA key. */
  public_key: z
    .string()
    .includes('BEGIN PUBLIC KEY', { message: 'must be an SPKI PEM public key' }),
});
export type AdminServiceAccount = z.infer<typeof AdminServiceAccount>;
