import {
  timestamp,
  type SandboxReply,
  type SandboxReview,
  type UserCommentFields,
} from './state.js';

/** Reviews as the discovery document's `Review` schema describes them (platform-facts §5.2). */

function primaryLanguage(tag: string): string {
  return tag.split(/[-_]/)[0]?.toLowerCase() ?? '';
}

/** proto3 JSON leaves out unset and zero-valued fields, so the sandbox does too. */
function present<T>(value: T | undefined): value is T {
  return value !== undefined && value !== 0 && value !== '';
}

function userComment(
  comment: UserCommentFields,
  lastModifiedNs: bigint,
  translationLanguage: string | undefined,
): Record<string, unknown> {
  // The sandbox cannot translate; it marks the text so clients can see translation was asked for.
  const translate =
    translationLanguage !== undefined &&
    comment.reviewerLanguage !== undefined &&
    primaryLanguage(translationLanguage) !== primaryLanguage(comment.reviewerLanguage);
  const text = comment.title === undefined ? comment.body : `${comment.title}\t${comment.body}`;
  const rendered: Record<string, unknown> = {
    text: translate ? `[${translationLanguage}] ${text}` : text,
  };
  if (translate) {
    rendered.originalText = text;
  }
  rendered.lastModified = timestamp(lastModifiedNs);
  rendered.starRating = comment.starRating;
  const optional: Array<[string, unknown]> = [
    ['reviewerLanguage', comment.reviewerLanguage],
    ['device', comment.device],
    ['androidOsVersion', comment.androidOsVersion],
    ['appVersionCode', comment.appVersionCode],
    ['appVersionName', comment.appVersionName],
    ['thumbsUpCount', comment.thumbsUpCount],
    ['thumbsDownCount', comment.thumbsDownCount],
  ];
  for (const [name, value] of optional) {
    if (present(value)) {
      rendered[name] = value;
    }
  }
  if (comment.deviceMetadata !== undefined && Object.keys(comment.deviceMetadata).length > 0) {
    rendered.deviceMetadata = { ...comment.deviceMetadata };
  }
  return rendered;
}

export function renderReview(
  review: SandboxReview,
  reply: SandboxReply | undefined,
  translationLanguage?: string,
): Record<string, unknown> {
  if (review.kind === 'raw') {
    return structuredClone(review.raw);
  }
  const comments: Array<Record<string, unknown>> = [
    { userComment: userComment(review.comment, review.lastModifiedNs, translationLanguage) },
  ];
  if (reply !== undefined) {
    comments.push({
      developerComment: { text: reply.text, lastModified: timestamp(reply.lastEditedNs) },
    });
  }
  return { reviewId: review.reviewId, authorName: review.authorName, comments };
}
