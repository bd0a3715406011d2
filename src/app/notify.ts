import { excerpt } from '../core/excerpt.js';
import type { Mention, Severity } from '../core/types.js';
import type { NotifyEvent, NotifyKind } from '../responders/notify/types.js';
import { jobIds } from '../queue/jobs.js';
import type { AppContext } from './context.js';

export interface NotifyRequest {
  kind: NotifyKind;
  /** Stable per event, so a re-run never notifies twice. */
  eventId: string;
  mention: Mention;
  caseId: string;
  severity: Severity | null;
  category: string | null;
  deadline: string | null;
}

const KIND_LABEL: Record<NotifyKind, string> = {
  page: 'needs a person now',
  escalation: 'escalated to a person',
  'sla-warning': 'is close to its deadline',
  'sla-breach': 'missed its deadline',
  'needs-person': 'needs a person',
  'outcome-unknown': 'reply outcome unknown — check the thread',
};

export function notifyEventFor(
  request: NotifyRequest,
  deskBaseUrl: string,
  now: Date,
): NotifyEvent {
  const { mention } = request;
  const what = [request.severity, request.category].filter(Boolean).join(' ') || 'Case';
  return {
    id: request.eventId,
    kind: request.kind,
    caseId: request.caseId,
    severity: request.severity,
    category: request.category,
    deadline: request.deadline,
    summary: `${what} from @${mention.author.username} ${KIND_LABEL[request.kind]}: "${excerpt(mention.text, 140)}"`,
    text: mention.text,
    author: {
      username: mention.author.username,
      name: mention.author.name,
      followersCount: mention.author.followersCount,
      verified: mention.author.verified,
    },
    source: mention.source,
    link: `${deskBaseUrl.replace(/\/+$/, '')}/cases/${encodeURIComponent(request.caseId)}`,
    postUrl: mention.url,
    at: now.toISOString(),
  };
}

/** Queues one delivery per configured channel; the notify queue retries failures and records them. */
export async function requestNotification(ctx: AppContext, request: NotifyRequest): Promise<void> {
  const event = notifyEventFor(request, ctx.deskBaseUrl, ctx.now());
  for (const notifier of ctx.notifiers.values()) {
    await ctx.queues.notify.add(
      'notify',
      { notifierId: notifier.id, event },
      { jobId: jobIds.notify(notifier.id, event.id) },
    );
  }
  await ctx.audit.append({
    at: event.at,
    caseId: request.caseId,
    source: request.mention.source,
    mentionId: request.mention.id,
    outcome: 'notified',
    reason: request.kind,
    actor: 'earshot',
    severity: request.severity,
    category: request.category,
    detail:
      ctx.notifiers.size === 0
        ? 'no notification channel configured; shown on the desk'
        : `queued for ${[...ctx.notifiers.keys()].join(', ')}`,
  });
}

/** A page: people are needed now (policy `notify.pageImmediately`). */
export interface PageRequest {
  mention: Mention;
  caseId: string;
  severity: Severity;
  category: string | null;
  deadline: string | null;
  /** Set when the page follows a severity raise after triage; each level raised to pages once. */
  raisedFrom?: Severity | null;
}

/** Stable per mention, and per level for a raise, so no re-run pages twice. */
function pageEventId(page: Pick<PageRequest, 'mention' | 'severity' | 'raisedFrom'>): string {
  const base = `page-${page.mention.source}-${page.mention.id}`;
  return page.raisedFrom ? `${base}-${page.severity.toLowerCase()}` : base;
}

/** Pages people about a case: at triage for a decision with `pageNow`, and when the engagement watch raises one. */
export async function requestPage(ctx: AppContext, page: PageRequest): Promise<void> {
  await requestNotification(ctx, {
    kind: 'page',
    eventId: pageEventId(page),
    mention: page.mention,
    caseId: page.caseId,
    severity: page.severity,
    category: page.category,
    deadline: page.deadline,
  });
}
