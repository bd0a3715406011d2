/**
 * Plain data shared by the pure core (classify, decide, draft) and the adapters.
 * No I/O lives here: everything is serialisable JSON.
 */

export type SourceId = 'x-mentions' | 'x-search' | 'app-store' | 'google-play';
export type Platform = 'x' | 'app-store' | 'google-play';
export type Severity = 'P0' | 'P1' | 'P2' | 'P3';

export const SEVERITIES = ['P0', 'P1', 'P2', 'P3'] as const satisfies readonly Severity[];

export function platformOf(source: SourceId): Platform {
  if (source === 'x-mentions' || source === 'x-search') {
    return 'x';
  }
  return source;
}

/** Who wrote a mention. `username` is the handle without '@' (X) or the reviewer's nickname (stores). */
export interface Author {
  id: string;
  username: string;
  name: string;
  followersCount: number | null;
  verified: boolean;
  /** X: whether the author accepts DMs from the brand (user field receives_your_dm), when known. */
  acceptsDms?: boolean;
}

/**
 * One post or review, normalised from any source.
 *
 * @example
 * { source: 'x-mentions', id: '1850000000000000001', text: '@acme my order never arrived',
 *   lang: 'en', author: { id: '42', username: 'sam', name: 'Sam', followersCount: 120, verified: false },
 *   createdAt: '2026-11-21T10:00:00.000Z', conversationId: '1850000000000000001', inReplyToId: null,
 *   mentionsBrand: true, url: 'https://x.com/sam/status/1850000000000000001' }
 */
export interface Mention {
  source: SourceId;
  /** The platform's id of the post or review. */
  id: string;
  text: string;
  lang: string | null;
  author: Author;
  createdAt: string;
  /** Thread key: X conversation_id, or the review id for stores. A case is one conversation. */
  conversationId: string;
  inReplyToId: string | null;
  /** The author @mentioned or quoted the brand ("summoned" it): the only posts X lets us auto-reply to. */
  mentionsBrand: boolean;
  url: string | null;
  /** Store reviews: the star rating, 1–5. */
  rating?: number | null;
  /** Store reviews: the review's title (App Store), apart from the body in `text`. */
  title?: string | null;
  /**
   * Store reviews: changes whenever the author edits the review (lastModified, or a hash of text and rating).
   * A new revision of a stored review reopens its case and is classified again.
   */
  revision?: string | null;
  /** Store reviews: facts shown on the desk (app version, territory, language, device). */
  details?: Record<string, string>;
  /** Public engagement when the post was read (X public_metrics); absent where the platform has none. */
  engagement?: Engagement | null;
}

/** How others reacted to a post, as counted when it was read. */
export interface Engagement {
  /** Reposts plus quotes. */
  shares: number;
  /** Replies by others: the engagement watch takes the brand's own replies out of the platform's count. */
  replies: number;
  likes: number;
  /** ISO time the counts were read. */
  observedAt: string;
}

export type Flag =
  | 'escalate_human'
  | 'escalate_dm'
  | 'private_data'
  | 'opt_out'
  | 'abusive'
  | 'sarcasm_suspected'
  | 'question'
  | 'praise';

/** Why a field of a classification has its value, in a form the desk can show. */
export interface Reason {
  field: 'complaint' | 'sentiment' | 'category' | 'severity' | 'flag';
  /** The rule id, lexicon or model that contributed, e.g. 'cue:still-waiting' or 'lexicon:afinn'. */
  rule: string;
  /** Human-readable detail, e.g. 'matched "charged twice"'. */
  detail: string;
  /** Contribution to the score, when the field is scored. */
  weight?: number;
}

export interface Classification {
  complaint: boolean;
  /** Calibrated probability that `complaint` is right, in [0, 1]. */
  confidence: number;
  /** Sentiment score in [-1, 1]; negative is unhappy. */
  sentiment: number;
  /** A category id from rules/, or null when none applies. */
  category: string | null;
  /** P0 (most urgent) to P3; null when the mention is not a complaint. */
  severity: Severity | null;
  flags: Flag[];
  reasons: Reason[];
  /** Identifies the classifier and rule set that produced this, for the audit log. */
  classifierVersion: string;
}

/**
 * The complaint decision (and category) made elsewhere, by a trained model: the built-in classifier then works
 * out severity, flags and escalation for it, so they never contradict it. `category` undefined: the rules choose.
 */
export interface DecidedOutcome {
  complaint: boolean;
  category?: string | null;
}

/** The built-in classifier; with `decided`, it follows a decision made elsewhere (see DecidedOutcome). */
export type BuiltinClassifier = (
  input: ClassifierInput,
  decided?: DecidedOutcome,
) => Classification;

/** What the classifier sees: the mention's text plus what we know about its author and thread. */
export interface ClassifierInput {
  text: string;
  lang?: string | null;
  source: SourceId;
  author?: { followersCount?: number | null; verified?: boolean };
  /** Earlier texts in the same conversation, oldest first, when known. */
  thread?: string[];
  /** Engagement and the post's age in minutes when it was counted; drives the "spreading" severity rules. */
  engagement?: { shares: number; replies: number; ageMinutes: number };
  /**
   * The pretrained sentence encoder's vector of `text`; only a trained model that uses the encoder reads it
   * (adapters add it, see src/lib/sentence-encoder.ts).
   */
  encoding?: ArrayLike<number>;
}

export type Action =
  'auto_reply' | 'draft_for_approval' | 'escalate_human' | 'escalate_dm' | 'ignore';

export interface Decision {
  action: Action;
  /** Stable kebab-case reason code, e.g. 'complaint-acknowledge', 'not-a-complaint', 'keyword-hit-needs-person'. */
  reason: string;
  /** The rule that decided, e.g. 'default:ack-mention-complaints'. */
  ruleId: string;
  /** ISO time by which a first response is due, or null when none is owed. */
  deadline: string | null;
}

export interface Draft {
  text: string;
  templateId: string;
  /** twitter-text weighted length for X, plain code-point length for stores. */
  weightedLength: number;
  limit: number;
}

/** A case's states, in life-cycle order. */
export const CASE_STATES = [
  'new',
  'acknowledged',
  'waiting_on_customer',
  'escalated',
  'resolved',
  'closed',
  'merged',
  'invalid',
] as const;

export type CaseState = (typeof CASE_STATES)[number];

export type AuditOutcome =
  | 'stored'
  | 'skipped'
  | 'drafted'
  | 'queued'
  | 'sent'
  | 'dry_run'
  | 'blocked'
  | 'escalated_human'
  | 'escalated_dm'
  | 'failed'
  | 'deferred'
  | 'relabeled'
  | 'approved'
  | 'rejected'
  | 'notified'
  | 'opted_out'
  | 'opted_in'
  | 'state_changed'
  | 'severity_raised'
  | 'paused'
  | 'resumed';

/** One append-only record per decision or transition: who or which rule, what was sent, what the platform said. */
export interface AuditRecord {
  at: string;
  caseId: string | null;
  source: SourceId | null;
  mentionId: string | null;
  outcome: AuditOutcome;
  /** Stable kebab-case reason code. */
  reason: string;
  /** 'earshot' for automatic decisions, else the user who acted. */
  actor: string;
  ruleId?: string;
  ruleVersion?: string;
  classifierVersion?: string;
  severity?: Severity | null;
  category?: string | null;
  text?: string;
  platformResponseId?: string;
  /** Store reviews: the star rating before and after an edit. */
  ratingBefore?: number | null;
  ratingAfter?: number | null;
  detail?: string;
}
