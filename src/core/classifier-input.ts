import type { ClassifierInput, Mention } from './types.js';

/**
 * What the classifier sees of a stored mention: text, language, author facts, the earlier texts of its
 * conversation (oldest first) when known, and, when the platform counted them, engagement with the post's age
 * at the time of counting (so a stored mention always classifies alike).
 */
export function classifierInputOf(
  mention: Mention,
  thread: readonly string[] = [],
): ClassifierInput {
  const input: ClassifierInput = {
    text: mention.text,
    lang: mention.lang,
    source: mention.source,
    author: { followersCount: mention.author.followersCount, verified: mention.author.verified },
  };
  if (thread.length > 0) {
    input.thread = [...thread];
  }
  const engagement = mention.engagement;
  if (engagement !== null && engagement !== undefined) {
    const age = Date.parse(engagement.observedAt) - Date.parse(mention.createdAt);
    input.engagement = {
      shares: engagement.shares,
      replies: engagement.replies,
      ageMinutes: Number.isFinite(age) ? Math.max(0, age / 60_000) : 0,
    };
  }
  return input;
}
