import type { Platform, SourceId } from '../core/types.js';

/** Every Redis key earshot writes, in one place, under the configured prefix. */
export function redisKeys(prefix: string) {
  return {
    mention: (source: SourceId, id: string) => `${prefix}:mention:${source}:${id}`,
    cursor: (name: string) => `${prefix}:cursor:${name}`,
    pollDeferredUntil: (name: string) => `${prefix}:poll-deferred:${name}`,
    case: (caseId: string) => `${prefix}:case:${caseId}`,
    caseMentions: (caseId: string) => `${prefix}:case:${caseId}:mentions`,
    cases: () => `${prefix}:cases`,
    sentGuard: (platform: Platform, postId: string) => `${prefix}:sent:${platform}:${postId}`,
    postedTexts: (platform: Platform) => `${prefix}:posted-texts:${platform}`,
    audit: () => `${prefix}:audit`,
    caseAudit: (caseId: string) => `${prefix}:audit:case:${caseId}`,
    needsPerson: () => `${prefix}:needs-person`,
    // `-done` cannot clash with an item key (`needs-person:<id>`).
    needsPersonDone: () => `${prefix}:needs-person-done`,
    needsPersonItem: (itemId: string) => `${prefix}:needs-person:${itemId}`,
    // Ids of a case's people-queue items, open and done (`needs-person-case:` cannot clash with an item key).
    needsPersonCase: (caseId: string) => `${prefix}:needs-person-case:${caseId}`,
    needsPersonCaseIndexed: () => `${prefix}:needs-person-case-indexed`,
    labels: () => `${prefix}:labels`,
    draft: (id: string) => `${prefix}:draft:${id}`,
    caseDrafts: (caseId: string) => `${prefix}:case:${caseId}:drafts`,
    pendingDrafts: () => `${prefix}:drafts:pending`,
    optOut: (platform: Platform, authorId: string) => `${prefix}:opt-out:${platform}:${authorId}`,
    paused: () => `${prefix}:paused`,
    daily: (platform: Platform, date: string) => `${prefix}:daily:${platform}:${date}`,
    users: () => `${prefix}:users`,
    apiTokens: () => `${prefix}:api-tokens`,
    session: (idHash: string) => `${prefix}:session:${idHash}`,
    userSessions: (name: string) => `${prefix}:user-sessions:${name}`,
    loginFailures: (scope: 'ip' | 'name', id: string) => `${prefix}:login-failures:${scope}:${id}`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
