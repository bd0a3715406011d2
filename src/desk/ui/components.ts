import { h, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Author, AuditRecord, CaseState, Classification, Severity } from '../../core/types.js';
import type { MentionView } from '../routes/cases.js';
import type { SettingsView } from '../routes/settings.js';
import { api, messageOf } from './lib/api.js';
import { countdown, dateTime, percent, safeUrl, urgency, useNow } from './lib/format.js';

export function Badge(props: { kind?: string; title?: string; children?: ComponentChildren }) {
  return h(
    'span',
    { class: `badge badge-${props.kind ?? 'plain'}`, title: props.title },
    props.children,
  );
}

/** A people-queue item's reason, marked while it waits and muted once done. */
export function PersonReasonBadge(props: { item: { reason: string; doneAt?: string } }) {
  return h(Badge, { kind: props.item.doneAt === undefined ? 'warn' : 'muted' }, props.item.reason);
}

/** " · done by ana <time>" for a people-queue item a person finished; nothing while it waits. */
export function DoneNote(props: { item: { doneAt?: string; doneBy?: string } }) {
  const { doneAt, doneBy } = props.item;
  return doneAt === undefined
    ? null
    : h('span', { class: 'muted' }, ` · done by ${doneBy ?? 'someone'} ${dateTime(doneAt)}`);
}

export function SeverityBadge(props: { severity: Severity | null }) {
  if (props.severity === null) {
    return h(Badge, { kind: 'muted' }, '—');
  }
  return h(Badge, { kind: props.severity.toLowerCase() }, props.severity);
}

/** A live countdown to a deadline, coloured by how close it is. */
export function Countdown(props: { deadline: string | null }) {
  const now = useNow();
  return h(
    'span',
    {
      class: `countdown countdown-${urgency(props.deadline, now)}`,
      title: dateTime(props.deadline),
    },
    countdown(props.deadline, now),
  );
}

export function ErrorNote(props: { error: string | null }) {
  if (props.error === null) {
    return null;
  }
  return h('p', { class: 'error', role: 'alert' }, props.error);
}

export function AuthorFacts(props: { author: Author }) {
  const { author } = props;
  return h(
    'span',
    { class: 'author' },
    h('strong', { class: 'author-name' }, author.name),
    ' ',
    h('span', { class: 'author-handle' }, `@${author.username}`),
    author.verified ? h(Badge, { kind: 'info', title: 'Verified account' }, 'verified') : null,
    author.followersCount === null
      ? null
      : h('span', { class: 'muted' }, ` · ${author.followersCount.toLocaleString()} followers`),
  );
}

/**
 * An original post or review. Everything in it is untrusted: it is only ever rendered as text nodes, and only
 * an http(s) URL becomes a link.
 */
export function PostCard(props: { mention: MentionView; label?: string }) {
  const { mention } = props;
  const href = safeUrl(mention.url);
  return h(
    'article',
    { class: 'post', 'data-testid': 'post' },
    h(
      'header',
      { class: 'post-head' },
      h(AuthorFacts, { author: mention.author }),
      h(
        'span',
        { class: 'muted' },
        props.label ? `${props.label} · ` : '',
        `${mention.source} · ${dateTime(mention.createdAt)}`,
      ),
    ),
    typeof mention.rating === 'number'
      ? h(
          'p',
          { class: 'rating', title: `${mention.rating} of 5 stars` },
          '★'.repeat(mention.rating) + '☆'.repeat(5 - mention.rating),
        )
      : null,
    mention.title ? h('p', { class: 'post-title' }, mention.title) : null,
    h('p', { class: 'post-text', 'data-testid': 'post-text' }, mention.text),
    mention.details === undefined || Object.keys(mention.details).length === 0
      ? null
      : h(
          'p',
          { class: 'post-details muted small' },
          Object.entries(mention.details)
            .map(([key, value]) => `${key}: ${value}`)
            .join(' · '),
        ),
    href === null
      ? null
      : h(
          'a',
          { class: 'post-link', href, target: '_blank', rel: 'noopener noreferrer' },
          'Open original ↗',
        ),
  );
}

export function ClassificationPanel(props: { classification: Classification | null }) {
  const c = props.classification;
  if (c === null) {
    return h('p', { class: 'muted' }, 'Not classified yet.');
  }
  return h(
    'div',
    { class: 'classification' },
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Complaint'),
      h('dd', null, c.complaint ? 'yes' : 'no', ` (${percent(c.confidence)} confident)`),
      h('dt', null, 'Severity'),
      h('dd', null, h(SeverityBadge, { severity: c.severity })),
      h('dt', null, 'Category'),
      h('dd', null, c.category ?? '—'),
      h('dt', null, 'Sentiment'),
      h('dd', null, c.sentiment.toFixed(2)),
      h('dt', null, 'Flags'),
      h('dd', null, c.flags.length === 0 ? '—' : c.flags.join(', ')),
    ),
    h(
      'details',
      { class: 'reasons' },
      h('summary', null, `Why (${c.reasons.length} reasons)`),
      h(
        'ul',
        null,
        c.reasons.map((reason, index) =>
          h(
            'li',
            { key: index },
            h('code', null, reason.field),
            ' ',
            h('span', { class: 'muted' }, reason.rule),
            ` ${reason.detail}`,
            reason.weight === undefined
              ? ''
              : ` (${reason.weight > 0 ? '+' : ''}${reason.weight.toFixed(2)})`,
          ),
        ),
      ),
    ),
  );
}

export function AuditTimeline(props: { records: readonly AuditRecord[] }) {
  if (props.records.length === 0) {
    return h('p', { class: 'muted' }, 'Nothing recorded yet.');
  }
  return h(
    'ol',
    { class: 'timeline', 'data-testid': 'timeline' },
    props.records.map((record, index) =>
      h(
        'li',
        { key: index, class: `timeline-item outcome-${record.outcome}` },
        h('time', { dateTime: record.at }, dateTime(record.at)),
        ' ',
        h(Badge, { kind: 'outcome' }, record.outcome.replace(/_/g, ' ')),
        ' ',
        h('span', { class: 'reason' }, record.reason),
        ' ',
        h('span', { class: 'muted' }, `by ${record.actor}`),
        record.severity ? h('span', null, ' · ', record.severity) : null,
        record.category ? h('span', null, ' · ', record.category) : null,
        record.ruleId ? h('span', { class: 'muted' }, ` · rule ${record.ruleId}`) : null,
        record.text ? h('blockquote', { class: 'timeline-text' }, record.text) : null,
        record.detail ? h('p', { class: 'timeline-detail muted' }, record.detail) : null,
      ),
    ),
  );
}

let settingsRequest: Promise<SettingsView> | null = null;

/** The settings, fetched once per page load (categories for relabel forms, versions). */
export function useSettings(): SettingsView | null {
  const [settings, setSettings] = useState<SettingsView | null>(null);
  useEffect(() => {
    settingsRequest ??= api.get<{ data: SettingsView }>('/api/settings').then((body) => body.data);
    settingsRequest.then(setSettings, () => {
      settingsRequest = null;
    });
  }, []);
  return settings;
}

export interface RelabelFormProps {
  caseId: string;
  complaint: boolean;
  severity: Severity | null;
  category: string | null;
  canAct: boolean;
  onDone: () => void;
}

/** Reassign severity and category: a relabel that is audited and feeds training. */
export function RelabelForm(props: RelabelFormProps) {
  const settings = useSettings();
  const [complaint, setComplaint] = useState(props.complaint);
  const [severity, setSeverity] = useState<string>(props.severity ?? '');
  const [category, setCategory] = useState<string>(props.category ?? '');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    setComplaint(props.complaint);
    setSeverity(props.severity ?? '');
    setCategory(props.category ?? '');
    setSaved(false);
  }, [props.caseId, props.complaint, props.severity, props.category]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await api.post(`/api/cases/${encodeURIComponent(props.caseId)}/relabel`, {
        complaint,
        category: category === '' ? null : category,
        severity: complaint && severity !== '' ? severity : null,
      });
      setSaved(true);
      props.onDone();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  return h(
    'form',
    { class: 'relabel', onSubmit: submit, 'data-testid': 'relabel' },
    h(
      'label',
      { class: 'inline' },
      h('input', {
        type: 'checkbox',
        checked: complaint,
        disabled: !props.canAct,
        onChange: (event: Event) => setComplaint((event.currentTarget as HTMLInputElement).checked),
      }),
      ' complaint',
    ),
    h(
      'label',
      null,
      'Severity ',
      h(
        'select',
        {
          value: severity,
          disabled: !props.canAct || !complaint,
          onChange: (event: Event) => setSeverity((event.currentTarget as HTMLSelectElement).value),
        },
        h('option', { value: '' }, '—'),
        ['P0', 'P1', 'P2', 'P3'].map((value) => h('option', { key: value, value }, value)),
      ),
    ),
    h(
      'label',
      null,
      'Category ',
      h(
        'select',
        {
          value: category,
          disabled: !props.canAct,
          onChange: (event: Event) => setCategory((event.currentTarget as HTMLSelectElement).value),
        },
        h('option', { value: '' }, '—'),
        (settings?.categories ?? []).map((item) =>
          h('option', { key: item.id, value: item.id }, item.label),
        ),
      ),
    ),
    h('button', { type: 'submit', disabled: !props.canAct }, 'Relabel'),
    saved ? h('span', { class: 'ok' }, ' Saved') : null,
    h(ErrorNote, { error }),
  );
}

/** Hands the case to a person: a people-queue item, an audit record and a notification. */
export function EscalateForm(props: { caseId: string; canAct: boolean; onDone: () => void }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await api.post(
        `/api/cases/${encodeURIComponent(props.caseId)}/escalate`,
        note.trim() === '' ? {} : { note },
      );
      setDone(true);
      setNote('');
      props.onDone();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  return h(
    'form',
    { class: 'escalate', onSubmit: submit },
    h('input', {
      type: 'text',
      placeholder: 'Why a person should take this (optional)',
      value: note,
      maxLength: 1000,
      disabled: !props.canAct,
      onInput: (event: Event) => setNote((event.currentTarget as HTMLInputElement).value),
    }),
    h('button', { type: 'submit', class: 'warn', disabled: !props.canAct }, 'Escalate'),
    done ? h('span', { class: 'ok' }, ' Escalated') : null,
    h(ErrorNote, { error }),
  );
}

/** The life-cycle moves the case page offers, in this order, when the case may make them. */
const STATE_ACTIONS: ReadonlyArray<{ to: CaseState; label: string; kind: string }> = [
  { to: 'waiting_on_customer', label: 'Waiting on customer', kind: '' },
  { to: 'resolved', label: 'Resolve', kind: 'primary' },
  { to: 'closed', label: 'Close', kind: '' },
  { to: 'invalid', label: 'Invalid', kind: 'danger' },
  { to: 'new', label: 'Reopen', kind: 'warn' },
];

export interface StateActionsProps {
  caseId: string;
  /** The states the case may move to now, as the case API lists them. */
  nextStates: readonly CaseState[];
  canAct: boolean;
  onDone: () => void;
}

/**
 * Moves the case along its life cycle with an optional note for the audit log. Escalation has its own form,
 * because it also queues the case for a person and notifies.
 */
export function StateActions(props: StateActionsProps) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [moved, setMoved] = useState<string | null>(null);
  useEffect(() => {
    setNote('');
    setError(null);
    setMoved(null);
  }, [props.caseId]);

  const actions = STATE_ACTIONS.filter((action) => props.nextStates.includes(action.to));
  if (actions.length === 0) {
    return h('p', { class: 'muted', 'data-testid': 'state-actions' }, 'This case is final.');
  }
  const move = async (to: CaseState) => {
    setError(null);
    setBusy(true);
    try {
      await api.post(
        `/api/cases/${encodeURIComponent(props.caseId)}/state`,
        note.trim() === '' ? { to } : { to, note },
      );
      setNote('');
      setMoved(to.replace(/_/g, ' '));
      props.onDone();
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  return h(
    'form',
    {
      class: 'inline-form state-actions',
      'data-testid': 'state-actions',
      onSubmit: (event: Event) => event.preventDefault(),
    },
    h('input', {
      type: 'text',
      placeholder: 'Note for the timeline (optional)',
      value: note,
      maxLength: 1000,
      disabled: !props.canAct || busy,
      'data-testid': 'state-note',
      onInput: (event: Event) => setNote((event.currentTarget as HTMLInputElement).value),
    }),
    actions.map((action) =>
      h(
        'button',
        {
          key: action.to,
          type: 'button',
          class: action.kind,
          disabled: !props.canAct || busy,
          'data-state': action.to,
          onClick: () => void move(action.to),
        },
        action.label,
      ),
    ),
    moved === null ? null : h('span', { class: 'ok' }, ` Moved to ${moved}`),
    h(ErrorNote, { error }),
  );
}
