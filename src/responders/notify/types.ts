import { z } from 'zod';
import { SEVERITIES, type Severity, type SourceId } from '../../core/types.js';

/**
 * Why people are told about a case.
 *
 * - `page`: a P0 (or any severity listed in `notify.pageImmediately`), sent as soon as the mention is decided.
 * - `escalation`: policy routed the case to a person (`escalate_human` / `escalate_dm`).
 * - `sla-warning`: the first-response deadline is `notify.minutesBefore` away and nobody has answered.
 * - `sla-breach`: the deadline passed without an answer.
 * - `needs-person`: sending gave up (a draft blocked at the last check, a text the platform rejected, a send that
 *   kept failing or whose credentials were refused) and a person must reply.
 * - `outcome-unknown`: a send may or may not have reached the platform; check it before anyone retries.
 *
 * @example
 * const kind: NotifyKind = 'page';
 */
export type NotifyKind =
  'page' | 'escalation' | 'sla-warning' | 'sla-breach' | 'needs-person' | 'outcome-unknown';

export const NOTIFY_KINDS = [
  'page',
  'escalation',
  'sla-warning',
  'sla-breach',
  'needs-person',
  'outcome-unknown',
] as const satisfies readonly NotifyKind[];

/**
 * The author of the post or review, as people see it. `name` and `username` are untrusted text.
 *
 * @example
 * { username: 'sam', name: 'Sam Lee', followersCount: 1240, verified: false }
 */
export interface NotifyAuthor {
  username: string;
  name: string;
  followersCount: number | null;
  verified: boolean;
}

/**
 * One thing people must hear about. Plain JSON: it travels as the `notify` job's data and, unchanged, as the
 * `data` of the signed webhook. It never holds secrets.
 *
 * `id` is stable for one reason to notify about one case (e.g. `page-x-1860000000000000001`,
 * `sla-warning-x-1860000000000000001-2026-11-20T10:15:00.000Z`); it is the BullMQ job id and the webhook's
 * `x-earshot-delivery`, so a retried delivery carries the same id and receivers dedupe on it.
 *
 * `summary`, `text` and `author` come from the post and are untrusted: every notifier escapes them for its
 * channel.
 *
 * @example
 * { id: 'page-x-1860000000000000001', kind: 'page', caseId: 'x-1860000000000000001', severity: 'P0',
 *   category: 'safety', deadline: '2026-11-20T10:15:00.000Z',
 *   summary: 'P0 safety complaint from @sam: "the charger started smoking"',
 *   text: '@acme the charger started smoking on my desk', author: { username: 'sam', name: 'Sam Lee',
 *   followersCount: 1240, verified: false }, source: 'x-mentions',
 *   link: 'https://desk.example.com/cases/x-1860000000000000001',
 *   postUrl: 'https://x.com/sam/status/1860000000000000001', at: '2026-11-20T10:00:00.000Z' }
 */
export interface NotifyEvent {
  /** Stable id; receivers dedupe on it. */
  id: string;
  kind: NotifyKind;
  caseId: string;
  severity: Severity | null;
  /** A category id from rules/, or null. */
  category: string | null;
  /** The first-response deadline people owe (ISO), or null when none applies. */
  deadline: string | null;
  /** One line for people, e.g. `P0 safety complaint from @sam: "the charger started smoking"`. Untrusted. */
  summary: string;
  /** The original post or review text. Untrusted. */
  text: string;
  author: NotifyAuthor;
  source: SourceId;
  /** URL of the case on the desk (built from DESK_BASE_URL). */
  link: string;
  /** The original post on the platform, when it has a public URL. */
  postUrl: string | null;
  /** When the event happened (ISO). */
  at: string;
}

const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const IsoTime = z.iso.datetime({ offset: true });

/**
 * Validates a NotifyEvent read back from a queue job or a webhook body. Unknown keys are stripped rather than
 * rejected, so a receiver built against this version keeps accepting events from a newer one.
 *
 * @example
 * const event = NotifyEvent.parse(job.data);
 */
export const NotifyEvent: z.ZodType<NotifyEvent> = z.object({
  id: z.string().min(1),
  kind: z.enum(NOTIFY_KINDS),
  caseId: z.string().min(1),
  severity: z.enum(SEVERITIES).nullable(),
  category: z.string().nullable(),
  deadline: IsoTime.nullable(),
  summary: z.string(),
  text: z.string(),
  author: z.object({
    username: z.string(),
    name: z.string(),
    followersCount: z.int().min(0).nullable(),
    verified: z.boolean(),
  }),
  source: z.enum(['x-mentions', 'x-search', 'app-store', 'google-play']),
  link: HttpUrl,
  postUrl: HttpUrl.nullable(),
  at: IsoTime,
});

/**
 * An outbound channel to people (Slack, a signed webhook). Thin: one delivery attempt, one HTTP call.
 * Retries, backoff and recording failures belong to the `notify` queue. On failure `notify` throws
 * `NotifyFailed`, whose `retryable` says whether another attempt can succeed.
 *
 * @example
 * const slack = createSlackNotifier({ webhookUrl: config.SLACK_WEBHOOK_URL });
 * await slack.notify(event, job.signal); // resolves once Slack answered 2xx
 */
export interface Notifier {
  /** Stable channel id, e.g. `slack` or `webhook`; use it in job ids and audit records. */
  id: string;
  notify(event: NotifyEvent, signal?: AbortSignal): Promise<void>;
}
