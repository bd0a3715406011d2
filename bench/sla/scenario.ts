import { evaluatePolicy, type Policy, type PolicyDecision } from '../../src/core/policy/index.js';
import type { Classification, Flag, Mention, Severity } from '../../src/core/types.js';
import type { Complaint, NotifyKind, PostRequest, SimSettings } from './model.js';
import { between, random, weighted } from './random.js';

const SEVERITY_MIX: readonly (readonly [Severity, number])[] = [
  ['P0', 0.02],
  ['P1', 0.1],
  ['P2', 0.48],
  ['P3', 0.4],
];

/** Categories from rules/categories.yaml that plausibly come with each severity; null is "no category". */
const CATEGORY_MIX: Record<Severity, readonly (readonly [string | null, number])[]> = {
  P0: [
    ['safety', 0.4],
    ['legal', 0.3],
    ['outage', 0.3],
  ],
  P1: [
    ['outage', 0.4],
    ['billing', 0.3],
    ['account', 0.2],
    ['privacy', 0.1],
  ],
  P2: [
    ['delivery', 0.35],
    ['outage', 0.25],
    ['service', 0.15],
    ['billing', 0.15],
    ['account', 0.1],
  ],
  P3: [
    ['service', 0.5],
    ['delivery', 0.3],
    [null, 0.2],
  ],
};

const PHRASES: Record<string, string> = {
  safety: 'the charger started smoking on my desk',
  legal: 'this is a breach of consumer law and I will report it',
  outage: 'the app has been down for an hour',
  billing: 'I was charged twice this month',
  account: 'I am locked out of my account',
  privacy: 'you leaked my address to another customer',
  delivery: 'my parcel is a week late',
  service: 'nobody answers the support chat',
  none: 'the new update made everything worse',
};

function flagsFor(severity: Severity, category: string | null, next: () => number): Flag[] {
  const flags: Flag[] = [];
  if ((category === 'safety' || category === 'legal') && next() < 0.5) {
    flags.push('escalate_human');
  }
  if (next() < 0.06) {
    flags.push('private_data');
  }
  if (severity !== 'P0' && next() < 0.01) {
    flags.push('abusive');
  }
  return flags;
}

interface Synthetic {
  mention: Mention;
  classification: Classification;
  severity: Severity;
  dmAvailable: boolean;
}

/** `count` @mention complaints posted within `burstMs` of `start`, oldest first. */
export function syntheticComplaints(settings: SimSettings): Synthetic[] {
  const next = random(settings.seed);
  const items: Synthetic[] = [];
  for (let index = 0; index < settings.complaints; index += 1) {
    const severity = weighted(SEVERITY_MIX, next);
    const category = weighted(CATEGORY_MIX[severity], next);
    const influential = next() < 0.05;
    const followers = Math.round(
      influential ? between(10_000, 500_000, next) : between(10, 5_000, next),
    );
    const confidence = next() < 0.1 ? between(0.5, 0.7, next) : between(0.7, 0.99, next);
    const createdAt = settings.start + Math.floor(next() * settings.burstMs);
    const id = (1_860_000_000_000_000_000n + BigInt(index)).toString();
    items.push({
      severity,
      dmAvailable: next() < 0.4,
      mention: {
        source: 'x-mentions',
        id,
        text: `@acme ${PHRASES[category ?? 'none'] ?? ''}`,
        lang: 'en',
        author: {
          id: String(10_000 + index),
          username: `customer${index}`,
          name: `Customer ${index}`,
          followersCount: followers,
          verified: next() < 0.03,
        },
        createdAt: new Date(createdAt).toISOString(),
        conversationId: id,
        inReplyToId: null,
        mentionsBrand: true,
        url: `https://x.com/customer${index}/status/${id}`,
      },
      classification: {
        complaint: true,
        confidence,
        sentiment: -0.6,
        category,
        severity,
        flags: flagsFor(severity, category, next),
        reasons: [],
        classifierVersion: 'bench-sla-synthetic',
      },
    });
  }
  return items.sort((a, b) => Date.parse(a.mention.createdAt) - Date.parse(b.mention.createdAt));
}

function at(iso: string | null): number | null {
  return iso === null ? null : Date.parse(iso);
}

/** Which notification the decision leads to, and when it is due (before the queue and the webhook). */
function notificationFor(
  decision: PolicyDecision,
  decidedAt: number,
): { kind: NotifyKind; dueAt: number } | null {
  if (decision.pageNow) {
    return { kind: 'page', dueAt: decidedAt };
  }
  if (decision.action === 'escalate_human' || decision.action === 'escalate_dm') {
    return { kind: 'escalation', dueAt: decidedAt };
  }
  const notifyAt = at(decision.notifyAt);
  if (notifyAt === null) {
    return null;
  }
  return { kind: 'sla-warning', dueAt: Math.max(decidedAt, notifyAt) };
}

function needsPerson(decision: PolicyDecision): boolean {
  return decision.requiresApproval || decision.action === 'escalate_human';
}

/**
 * Ingests, triages and decides every complaint with earshot's real policy code: polls every `pollIntervalMs`,
 * a FIFO triage queue (severity is unknown before classification) served by `triageWorkers`, then
 * `evaluatePolicy` at the moment triage runs. Also measures how long `evaluatePolicy` took, for the report.
 */
export function triage(
  items: readonly Synthetic[],
  policy: Policy,
  settings: SimSettings,
): { complaints: Complaint[]; decideMsPerMention: number } {
  const workersFreeAt: number[] = Array.from({ length: settings.triageWorkers }, () => 0);
  const complaints: Complaint[] = [];
  let decideMs = 0;
  for (const [index, item] of items.entries()) {
    const createdAt = Date.parse(item.mention.createdAt);
    const sincePoll = (createdAt - settings.start) % settings.pollIntervalMs;
    const ingestedAt =
      sincePoll === 0 ? createdAt : createdAt - sincePoll + settings.pollIntervalMs;
    const worker = workersFreeAt.indexOf(Math.min(...workersFreeAt));
    const startedAt = Math.max(ingestedAt, workersFreeAt[worker] ?? 0);
    const decidedAt = startedAt + settings.triageMs;
    workersFreeAt[worker] = decidedAt;

    const began = performance.now();
    const decision = evaluatePolicy({
      mention: item.mention,
      classification: item.classification,
      caseContext: { acknowledged: false, optedOut: false },
      policy,
      now: new Date(startedAt),
      dmAvailable: item.dmAvailable,
    });
    decideMs += performance.now() - began;

    const notification = notificationFor(decision, decidedAt);
    const notifiedAt =
      notification === null
        ? null
        : notification.dueAt + settings.notifyEnqueueMs + settings.webhookMs;
    const routedToPerson = needsPerson(decision);
    let personActedAt: number | null = null;
    if (
      routedToPerson &&
      notifiedAt !== null &&
      (item.severity === 'P0' || item.severity === 'P1')
    ) {
      personActedAt = notifiedAt + settings.personActsAfterMs[item.severity];
    }
    complaints.push({
      index,
      mention: item.mention,
      classification: item.classification,
      severity: item.severity,
      dmAvailable: item.dmAvailable,
      createdAt,
      ingestedAt,
      decidedAt,
      decision,
      notifyKind: notification?.kind ?? null,
      notifiedAt,
      personActedAt,
      needsPerson: routedToPerson,
    });
  }
  return { complaints, decideMsPerMention: decideMs / Math.max(1, items.length) };
}

/**
 * The public posts the complaints ask for, whatever the scheduler: automatic acknowledgments when triage is
 * done (or quiet hours end), P0/P1 replies when a person acts, and the watchdog's safe acknowledgment when a
 * draft still waits at `safeAckAt`. Sorted by `readyAt`, ties in complaint order.
 */
export function postRequests(complaints: readonly Complaint[]): PostRequest[] {
  const requests: Omit<PostRequest, 'id'>[] = [];
  for (const complaint of complaints) {
    const { decision, severity } = complaint;
    const acknowledgeBy = at(decision.acknowledgeBy);
    const deadline = at(decision.deadline);
    const responseDeadline = at(decision.responseDeadline);
    const sends = decision.action === 'auto_reply' || decision.action === 'escalate_dm';
    if (sends && !decision.requiresApproval && deadline !== null) {
      requests.push({
        complaint,
        kind: 'auto',
        severity,
        readyAt: Math.max(complaint.decidedAt, at(decision.sendAfter) ?? 0),
        deadline,
      });
    }
    const safeAckAt = at(decision.safeAckAt);
    if (
      safeAckAt !== null &&
      acknowledgeBy !== null &&
      (complaint.personActedAt === null || complaint.personActedAt > safeAckAt)
    ) {
      requests.push({
        complaint,
        kind: 'safe-ack',
        severity,
        readyAt: safeAckAt,
        deadline: acknowledgeBy,
      });
    }
    if (complaint.personActedAt !== null && responseDeadline !== null) {
      requests.push({
        complaint,
        kind: 'person',
        severity,
        readyAt: complaint.personActedAt,
        deadline: responseDeadline,
      });
    }
  }
  requests.sort((a, b) => a.readyAt - b.readyAt || a.complaint.index - b.complaint.index);
  return requests.map((request, id) => ({ ...request, id }));
}
