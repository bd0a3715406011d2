import type { Redis } from 'ioredis';
import type { AuditRecord } from '../core/types.js';
import type { DraftRecord } from './drafts.js';
import type { RedisKeys } from './keys.js';

/** Append-only audit log: one Redis stream for everything, plus a list per case for its timeline. */
export function createAuditLog(redis: Redis, keys: RedisKeys) {
  return {
    async append(record: AuditRecord): Promise<void> {
      const json = JSON.stringify(record);
      const tx = redis.multi().xadd(keys.audit(), '*', 'record', json);
      if (record.caseId !== null) {
        tx.rpush(keys.caseAudit(record.caseId), json);
      }
      await tx.exec();
    },

    async list(limit = 1000): Promise<AuditRecord[]> {
      const entries = await redis.xrange(keys.audit(), '-', '+', 'COUNT', limit);
      return entries.map(([, fields]) => JSON.parse(fields[1] ?? '{}') as AuditRecord);
    },

    async forCase(caseId: string): Promise<AuditRecord[]> {
      const items = await redis.lrange(keys.caseAudit(caseId), 0, -1);
      return items.map((item) => JSON.parse(item) as AuditRecord);
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;

/** One readable line per decision, for the console. Untrusted text is JSON-quoted so it cannot forge lines. */
export function formatAuditLine(record: AuditRecord): string {
  const parts = [record.outcome.toUpperCase(), record.reason];
  if (record.source !== null && record.mentionId !== null) {
    parts.push(`${record.source}/${record.mentionId}`);
  }
  if (record.severity) {
    parts.push(record.severity);
  }
  if (record.category) {
    parts.push(record.category);
  }
  if (record.ruleId) {
    parts.push(`rule=${record.ruleId}`);
  }
  if (record.platformResponseId) {
    parts.push(`posted=${record.platformResponseId}`);
  }
  if (record.text) {
    parts.push(JSON.stringify(record.text));
  }
  if (record.detail) {
    parts.push(`(${JSON.stringify(record.detail).slice(1, -1)})`);
  }
  return parts.join(' ');
}

/** The fields every audit record about a draft carries: its case, post, rule, classifier and text. */
export function draftAuditFields(
  draft: DraftRecord,
  at: Date,
): Omit<AuditRecord, 'outcome' | 'reason' | 'actor'> {
  return {
    at: at.toISOString(),
    caseId: draft.caseId,
    source: draft.source,
    mentionId: draft.mentionId,
    ruleId: draft.ruleId,
    ruleVersion: draft.ruleVersion,
    classifierVersion: draft.classifierVersion,
    severity: draft.severity,
    category: draft.category,
    text: draft.text,
    detail: `draft ${draft.id}`,
  };
}
