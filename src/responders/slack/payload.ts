import type { NotifyEvent, NotifyKind } from '../notify/types.js';

/** A Block Kit text object. `verbatim` stops Slack from turning bare URLs, #channels and @here into links. */
export interface SlackText {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
  verbatim?: boolean;
}

export interface SlackButton {
  type: 'button';
  text: SlackText;
  url: string;
  style?: 'primary';
  action_id: string;
}

export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text?: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'actions'; elements: SlackButton[] };

/**
 * The body of an incoming-webhook POST.
 *
 * @example
 * { text: '[P0] Page: P0 safety complaint from @sam', blocks: [...], unfurl_links: false, unfurl_media: false }
 */
export interface SlackMessage {
  /** Notification and fallback text (mrkdwn). */
  text: string;
  blocks: SlackBlock[];
  unfurl_links: false;
  unfurl_media: false;
}

// Block Kit limits: https://docs.slack.dev/reference/block-kit/blocks
const HEADER_MAX = 150;
const SECTION_TEXT_MAX = 3000;
const FIELD_MAX = 2000;
const BUTTON_URL_MAX = 3000;
/** Slack truncates top-level `text` past 4000 characters; keep the push notification short. */
const FALLBACK_MAX = 300;
const POST_MAX = 2900;

const KIND_LABELS: Record<NotifyKind, string> = {
  page: 'Page: a person is needed now',
  escalation: 'Escalated to a person',
  'sla-warning': 'Response deadline approaching',
  'sla-breach': 'Response deadline missed',
  'needs-person': 'Needs a person',
  'outcome-unknown': 'Reply outcome unknown: check before retrying',
};

const SOURCE_LABELS: Record<NotifyEvent['source'], string> = {
  'x-mentions': 'X mention',
  'x-search': 'X search',
  'app-store': 'App Store review',
  'google-play': 'Google Play review',
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Escapes text for any Slack text object, where `&`, `<` and `>` are control characters: after this,
 * `<!channel>`, `<@U123>` and `<https://evil|click>` render as the literal characters instead of a mention
 * or a link.
 *
 * @example
 * escapeSlack('<!channel> & more') // '&lt;!channel&gt; &amp; more'
 */
export function escapeSlack(text: string): string {
  return text.replace(/[&<>]/g, (char) => ESCAPES[char] ?? char);
}

/**
 * Escapes `text` and cuts it so the escaped result is at most `max` characters, never inside an entity or a
 * surrogate pair; a cut text ends with `…`.
 */
export function escapeWithin(text: string, max: number): string {
  const full = escapeSlack(text);
  if (full.length <= max) {
    return full;
  }
  let out = '';
  for (const char of text) {
    const piece = ESCAPES[char] ?? char;
    if (out.length + piece.length > max - 1) {
      break;
    }
    out += piece;
  }
  return `${out}…`;
}

/** Plain text after escaping: shown literally, no mrkdwn, so `*bold*` or `~x~` in a post stays as typed. */
function plain(text: string, max: number): SlackText {
  return { type: 'plain_text', text: nonEmpty(escapeWithin(text, max)), emoji: false };
}

function mrkdwn(text: string): SlackText {
  return { type: 'mrkdwn', text: nonEmpty(text), verbatim: true };
}

function nonEmpty(text: string): string {
  return text.trim() === '' ? '(empty)' : text;
}

function field(label: string, value: string): SlackText {
  return mrkdwn(`*${label}*\n${value}`);
}

/** `<!date^…>` shows the deadline in each reader's time zone; the ISO text is Slack's fallback. */
function formatTime(iso: string | null): string {
  if (iso === null) {
    return 'none';
  }
  const at = Date.parse(iso);
  if (Number.isNaN(at)) {
    return escapeWithin(iso, 100);
  }
  const seconds = Math.floor(at / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${new Date(at).toISOString()}>`;
}

function formatAuthor(author: NotifyEvent['author']): string {
  const parts = [`@${author.username}`, author.name];
  if (author.followersCount !== null) {
    parts.push(`${author.followersCount.toLocaleString('en-US')} followers`);
  }
  if (author.verified) {
    parts.push('verified');
  }
  return escapeWithin(parts.join(' · '), FIELD_MAX - 20);
}

/** Only absolute http(s) URLs become buttons: anything else is dropped rather than shown as a live link. */
function safeUrl(url: string | null): string | null {
  if (url === null) {
    return null;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return null;
  }
  return parsed.href.length <= BUTTON_URL_MAX ? parsed.href : null;
}

function headline(event: NotifyEvent): string {
  return `${event.severity ?? 'No severity'} · ${KIND_LABELS[event.kind]}`;
}

/**
 * The incoming-webhook message for one event: a header (severity and kind), the summary, the post quoted as
 * plain text, fields for severity, category, deadline, author and source, and buttons to the case and the
 * post. Every untrusted string is escaped and capped; pure.
 *
 * @example
 * await fetch(webhookUrl, { method: 'POST', body: JSON.stringify(slackMessage(event)) });
 */
export function slackMessage(event: NotifyEvent): SlackMessage {
  const blocks: SlackBlock[] = [
    { type: 'header', text: plain(headline(event), HEADER_MAX) },
    { type: 'section', text: plain(event.summary, SECTION_TEXT_MAX) },
  ];
  if (event.text.trim() !== '') {
    blocks.push({ type: 'section', text: plain(event.text, POST_MAX) });
  }
  blocks.push({
    type: 'section',
    fields: [
      field('Severity', event.severity ?? 'none'),
      field('Category', event.category === null ? 'none' : escapeWithin(event.category, 200)),
      field('Deadline', formatTime(event.deadline)),
      field('Author', formatAuthor(event.author)),
      field('Source', SOURCE_LABELS[event.source]),
      field('Case', escapeWithin(event.caseId, 200)),
    ],
  });

  const buttons: SlackButton[] = [];
  const caseUrl = safeUrl(event.link);
  if (caseUrl !== null) {
    buttons.push({
      type: 'button',
      text: { type: 'plain_text', text: 'Open case' },
      url: caseUrl,
      style: 'primary',
      action_id: 'earshot-open-case',
    });
  }
  const postUrl = safeUrl(event.postUrl);
  if (postUrl !== null) {
    buttons.push({
      type: 'button',
      text: { type: 'plain_text', text: 'View post' },
      url: postUrl,
      action_id: 'earshot-view-post',
    });
  }
  if (buttons.length > 0) {
    blocks.push({ type: 'actions', elements: buttons });
  }
  blocks.push({
    type: 'context',
    elements: [mrkdwn(`earshot · ${escapeWithin(event.id, 200)} · ${formatTime(event.at)}`)],
  });

  const prefix = `[${event.severity ?? '-'}] ${KIND_LABELS[event.kind]}: `;
  return {
    text: `${prefix}${escapeWithin(event.summary, FALLBACK_MAX - prefix.length)}`,
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  };
}
