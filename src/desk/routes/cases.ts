import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app.js';
import { changeCaseState, nextStates } from '../../app/case-state.js';
import { personItemFor } from '../../app/people.js';
import { relabelCase } from '../../app/relabel.js';
import {
  effectiveClassification,
  loadCaseFacts,
  scanCases,
  type CaseFacts,
  type EffectiveClassification,
  type StoredLabel,
} from '../../app/report.js';
import { SOURCES } from '../../core/policy/types.js';
import {
  CASE_STATES,
  SEVERITIES,
  type Action,
  type AuditRecord,
  type CaseState,
  type Classification,
  type Mention,
  type Severity,
  type SourceId,
} from '../../core/types.js';
import type { DraftRecord } from '../../store/drafts.js';
import type { PersonItem } from '../../store/people-queue.js';
import { actorOf } from '../auth.js';
import { ApiError, parseRequest } from '../http.js';

/** `<platform>-<conversation or review id>`; store review ids bring ':' and base64 characters. */
const caseId = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[A-Za-z0-9._:=+/-]+$/, 'Case ids are letters, digits and . _ : = + / -');

// The rules' ids ("billing") and a trained model's labels, which come from a CSV ("Late Flight", "Can't Tell").
const categoryId = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[\p{L}\p{N}][\p{L}\p{N} _&'().,/-]*$/u,
    "Categories are letters, digits, spaces and _ & ' ( ) . , / -",
  );

/** A date (YYYY-MM-DD, start of that UTC day) or an ISO date-time. */
const instant = z
  .string()
  .max(40)
  .refine((value) => !Number.isNaN(Date.parse(value)), 'Expected an ISO date or date-time')
  .transform((value) => new Date(value));

export const CaseParams = z.object({ id: caseId });
export type CaseParams = z.infer<typeof CaseParams>;

export const CaseListQuery = z.strictObject({
  state: z.enum(CASE_STATES).optional(),
  source: z.enum(SOURCES).optional(),
  category: categoryId.optional(),
  severity: z.enum(SEVERITIES).optional(),
  from: instant.optional(),
  to: instant.optional(),
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type CaseListQuery = z.infer<typeof CaseListQuery>;

export const RelabelBody = z.strictObject({
  complaint: z.union([z.boolean(), z.literal(0), z.literal(1)]),
  category: categoryId.nullable().optional(),
  severity: z.enum(SEVERITIES).nullable().optional(),
});
export type RelabelBody = z.infer<typeof RelabelBody>;

export const EscalateBody = z
  .strictObject({ note: z.string().trim().max(1000).optional() })
  .optional();
export type EscalateBody = z.infer<typeof EscalateBody>;

export const StateBody = z.strictObject({
  to: z.enum(CASE_STATES),
  note: z.string().trim().max(1000).optional(),
});
export type StateBody = z.infer<typeof StateBody>;

/** The mention fields the desk shows; everything here is untrusted text. */
export type MentionView = Pick<
  Mention,
  | 'source'
  | 'id'
  | 'text'
  | 'author'
  | 'url'
  | 'createdAt'
  | 'lang'
  | 'inReplyToId'
  | 'rating'
  | 'title'
  | 'details'
>;

/**
 * One row of the case list.
 *
 * @example
 * { id: 'x-1860000000000000001', state: 'new', source: 'x-mentions', postedAt: '…',
 *   opening: { text: '@acme the app is down', author: { username: 'sam', … }, … },
 *   effective: { complaint: true, severity: 'P1', category: 'outage', relabelled: false }, … }
 */
export interface CaseSummary {
  id: string;
  state: CaseState;
  platform: string;
  source: SourceId | null;
  createdAt: string;
  postedAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  mentionCount: number;
  opening: MentionView | null;
  classification: Pick<
    Classification,
    'complaint' | 'confidence' | 'sentiment' | 'category' | 'severity' | 'flags'
  > | null;
  effective: EffectiveClassification;
  decision: {
    action: Action;
    reason: string;
    ruleId: string;
    deadline: string | null;
  } | null;
}

export interface CaseMentionView {
  mention: MentionView;
  storedAt: string;
  classification: Classification | null;
  decision: CaseSummary['decision'];
  decidedAt: string | null;
}

/** Everything the case page shows. */
export interface CaseDetail {
  case: CaseSummary;
  mentions: CaseMentionView[];
  drafts: DraftRecord[];
  audit: AuditRecord[];
  /** The case's people-queue items: waiting ones first, then done ones (with doneAt and doneBy). */
  people: PersonItem[];
  label: StoredLabel | null;
  /** The states a person may move the case to now (see `CASE_TRANSITIONS`). */
  nextStates: CaseState[];
}

function mentionView(mention: Mention): MentionView {
  return {
    source: mention.source,
    id: mention.id,
    text: mention.text,
    author: mention.author,
    url: mention.url,
    createdAt: mention.createdAt,
    lang: mention.lang,
    inReplyToId: mention.inReplyToId,
    rating: mention.rating ?? null,
    title: mention.title ?? null,
    ...(mention.details ? { details: mention.details } : {}),
  };
}

function decisionView(
  decision: { action: Action; reason: string; ruleId: string; deadline: string | null } | undefined,
): CaseSummary['decision'] {
  if (decision === undefined) {
    return null;
  }
  return {
    action: decision.action,
    reason: decision.reason,
    ruleId: decision.ruleId,
    deadline: decision.deadline,
  };
}

export function caseSummary(facts: CaseFacts): CaseSummary {
  const opening = facts.opening;
  const classification = opening?.classification;
  return {
    id: facts.record.id,
    state: facts.record.state,
    platform: facts.record.platform,
    source: opening?.mention.source ?? null,
    createdAt: facts.record.createdAt,
    postedAt: opening?.mention.createdAt ?? facts.record.createdAt,
    firstResponseAt: facts.record.firstResponseAt,
    resolvedAt: facts.record.resolvedAt,
    mentionCount: facts.record.mentionCount,
    opening: opening === null ? null : mentionView(opening.mention),
    classification:
      classification === undefined
        ? null
        : {
            complaint: classification.complaint,
            confidence: classification.confidence,
            sentiment: classification.sentiment,
            category: classification.category,
            severity: classification.severity,
            flags: classification.flags,
          },
    effective: effectiveClassification(facts),
    decision: decisionView(opening?.decision),
  };
}

function matchesText(facts: CaseFacts, q: string): boolean {
  const needle = q.toLowerCase();
  return facts.mentions.some(({ mention }) =>
    [mention.text, mention.author.username, mention.author.name, mention.title ?? '']
      .join('\n')
      .toLowerCase()
      .includes(needle),
  );
}

function matcher(query: CaseListQuery): (facts: CaseFacts) => boolean {
  return (facts) => {
    const effective = effectiveClassification(facts);
    if (query.state !== undefined && facts.record.state !== query.state) {
      return false;
    }
    if (query.source !== undefined && facts.opening?.mention.source !== query.source) {
      return false;
    }
    if (query.category !== undefined && effective.category !== query.category) {
      return false;
    }
    if (query.severity !== undefined && effective.severity !== query.severity) {
      return false;
    }
    return query.q === undefined || matchesText(facts, query.q);
  };
}

export interface CaseRouteOptions {
  app: App;
  /** Category ids the classifier knows, to refuse a relabel to an unknown one; null accepts any id. */
  categories: () => readonly string[] | null;
}

/**
 * Cases: list and search, one case with its timeline, relabel (feeds training), escalate to people, and
 * move through the life cycle.
 */
export function registerCaseRoutes(server: FastifyInstance, options: CaseRouteOptions): void {
  const ctx = options.app.context;

  async function factsOrThrow(id: string): Promise<CaseFacts> {
    const facts = await loadCaseFacts(ctx, id, (key) => ctx.labels.get(key));
    if (facts === null) {
      throw new ApiError(404, 'not-found', `No case ${id}`);
    }
    return facts;
  }

  server.get('/api/cases', async (request) => {
    const query = parseRequest(CaseListQuery, request.query, 'query');
    const result = await scanCases(ctx, {
      ...(query.from ? { since: query.from } : {}),
      ...(query.to ? { until: query.to } : {}),
      limit: query.limit,
      match: matcher(query),
      audit: false,
    });
    return {
      data: result.cases.map(caseSummary),
      scanned: result.scanned,
      truncated: result.truncated,
    };
  });

  server.get('/api/cases/:id', async (request) => {
    const { id } = parseRequest(CaseParams, request.params, 'params');
    const facts = await factsOrThrow(id);
    const [drafts, people] = await Promise.all([ctx.drafts.forCase(id), ctx.people.forCase(id)]);
    const data: CaseDetail = {
      case: caseSummary(facts),
      mentions: facts.mentions.map((stored) => ({
        mention: mentionView(stored.mention),
        storedAt: stored.storedAt,
        classification: stored.classification ?? null,
        decision: decisionView(stored.decision),
        decidedAt: stored.decidedAt ?? null,
      })),
      drafts,
      audit: facts.audit,
      people,
      label: facts.label,
      nextStates: [...nextStates(facts.record.state)],
    };
    return { data };
  });

  server.post('/api/cases/:id/relabel', { config: { minRole: 'approver' } }, async (request) => {
    const { id } = parseRequest(CaseParams, request.params, 'params');
    const body = parseRequest(RelabelBody, request.body, 'body');
    const known = options.categories();
    if (body.category && known !== null && !known.includes(body.category)) {
      throw new ApiError(400, 'invalid-request', `Unknown category ${body.category}`, {
        issues: [{ path: 'category', message: `Use one of ${known.join(', ')}` }],
      });
    }
    const facts = await factsOrThrow(id);
    if (facts.opening === null) {
      throw new ApiError(404, 'not-found', `Case ${id} has no stored mention to relabel`);
    }
    const complaint = body.complaint === true || body.complaint === 1 ? 1 : 0;
    const severity: Severity | null = complaint === 1 ? (body.severity ?? null) : null;
    const label = await relabelCase(ctx, {
      caseId: id,
      complaint,
      category: body.category ?? null,
      severity,
      by: actorOf(request).name,
    });
    return { data: label };
  });

  server.post('/api/cases/:id/escalate', { config: { minRole: 'approver' } }, async (request) => {
    const { id } = parseRequest(CaseParams, request.params, 'params');
    const body = parseRequest(EscalateBody, request.body, 'body');
    const facts = await factsOrThrow(id);
    if (facts.opening === null) {
      throw new ApiError(404, 'not-found', `Case ${id} has no stored mention to escalate`);
    }
    const actor = actorOf(request);
    const now = ctx.now();
    const { mention, classification } = facts.opening;
    const effective = effectiveClassification(facts);
    const item = personItemFor(mention, id, 'desk-escalation', now, null, classification ?? null);
    const note = body?.note ?? '';
    // A case escalated again after its earlier item was done gets that item back in the queue.
    const created = (await ctx.people.add(item)) || (await ctx.people.requeue(item));
    const base = {
      at: now.toISOString(),
      caseId: id,
      source: mention.source,
      mentionId: mention.id,
      actor: actor.name,
      severity: effective.severity,
      category: effective.category,
    };
    await ctx.audit.append({
      ...base,
      outcome: 'escalated_human',
      reason: 'person-escalated',
      ...(note === '' ? {} : { detail: note }),
    });
    const previous = await ctx.cases.setState(id, 'escalated', now);
    if (previous !== 'escalated') {
      await ctx.audit.append({
        ...base,
        outcome: 'state_changed',
        reason: 'person-escalated',
        detail: `${previous ?? 'new'} → escalated`,
      });
    }
    await ctx.notify({
      kind: 'escalation',
      eventId: `desk-escalation-${id}-${now.getTime()}`,
      mention,
      caseId: id,
      severity: effective.severity,
      category: effective.category,
      deadline: facts.opening.decision?.deadline ?? null,
    });
    return { data: { item, created } };
  });

  server.post('/api/cases/:id/state', { config: { minRole: 'approver' } }, async (request) => {
    const { id } = parseRequest(CaseParams, request.params, 'params');
    const body = parseRequest(StateBody, request.body, 'body');
    const change = await changeCaseState(ctx, {
      caseId: id,
      to: body.to,
      by: actorOf(request).name,
      ...(body.note === undefined ? {} : { note: body.note }),
    });
    return { data: change };
  });
}
