import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { PersonItem } from '../../../store/people-queue.js';
import { DoneNote, ErrorNote, PersonReasonBadge, PostCard, SeverityBadge } from '../components.js';
import { api, messageOf, type SessionInfo } from '../lib/api.js';
import { dateTime, percent } from '../lib/format.js';
import { Link } from '../lib/router.js';

const REASON_TEXT: Record<string, string> = {
  'keyword-hit-needs-person': 'Keyword-search hit: X forbids an automated reply',
  'not-summoned-needs-person': 'A complaint that did not @mention the brand',
  'classifier-escalation': 'The classifier asked for a person',
  'follow-up-needs-person': 'A follow-up in an acknowledged case',
  'question-needs-person': 'A question no template answers',
  'desk-escalation': 'Escalated from the desk',
  'reply-outcome-unknown': 'A reply may or may not have been posted: check the thread',
  'send-failed':
    'A reply could not be sent (the platform was unreachable or refused it): reply by hand',
};

/** Marks one item done; the page drops it from the list once the server agrees. */
function DoneButton(props: {
  item: PersonItem;
  canAct: boolean;
  onDone: (item: PersonItem) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const markDone = async () => {
    setBusy(true);
    setError(null);
    try {
      const body = await api.post<{ data: PersonItem }>(
        `/api/people/${encodeURIComponent(props.item.id)}/done`,
      );
      props.onDone(body.data);
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(false);
    }
  };
  return h(
    'span',
    { class: 'person-done' },
    h(
      'button',
      {
        type: 'button',
        class: 'primary',
        disabled: !props.canAct || busy,
        title: props.canAct
          ? 'Handled: take it off the queue'
          : 'Approvers and admins mark items done',
        'data-testid': 'person-done',
        onClick: () => void markDone(),
      },
      'Done',
    ),
    h(ErrorNote, { error }),
  );
}

/** Escalations and keyword-search hits waiting for a person, oldest first; or the items already done. */
export function PeoplePage(props: { version: number; session: SessionInfo }) {
  const canAct = props.session.user.role !== 'viewer';
  const [showDone, setShowDone] = useState(false);
  const [items, setItems] = useState<PersonItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [flash, setFlash] = useState<string | null>(null);

  useEffect(() => {
    api
      .get<{ data: PersonItem[] }>(`/api/people${showDone ? '?open=false' : ''}`)
      .then((body) => setItems(body.data))
      .catch((failure: unknown) => setError(messageOf(failure)));
  }, [props.version, showDone]);

  const switchTo = (done: boolean) => {
    if (done !== showDone) {
      setItems(null);
      setFlash(null);
      setShowDone(done);
    }
  };
  const onDone = (done: PersonItem) => {
    setItems((current) => (current ?? []).filter((item) => item.id !== done.id));
    setFlash(`Marked done: ${done.reason} in case ${done.caseId}`);
  };

  return h(
    'main',
    { class: 'page' },
    h(
      'header',
      { class: 'detail-head' },
      h(
        'h1',
        null,
        'People queue ',
        h('span', { class: 'muted' }, items === null ? '' : `(${items.length})`),
      ),
      h(
        'div',
        { class: 'segmented push-right', role: 'group', 'aria-label': 'Which items' },
        h(
          'button',
          { type: 'button', class: showDone ? '' : 'selected', onClick: () => switchTo(false) },
          'Waiting',
        ),
        h(
          'button',
          {
            type: 'button',
            class: showDone ? 'selected' : '',
            'data-testid': 'people-show-done',
            onClick: () => switchTo(true),
          },
          'Done',
        ),
      ),
    ),
    h(
      'p',
      { class: 'muted' },
      'Posts earshot must not or cannot answer on its own. Answer them on the platform, then mark them done or work the case.',
    ),
    flash === null ? null : h('p', { class: 'flash', role: 'status' }, flash),
    h(ErrorNote, { error }),
    items !== null && items.length === 0
      ? h(
          'p',
          { class: 'empty' },
          showDone ? 'Nothing has been marked done yet.' : 'Nobody is waiting for a person.',
        )
      : null,
    h(
      'div',
      { class: 'people-list' },
      (items ?? []).map((item) =>
        h(
          'section',
          { key: item.id, class: 'card person-item', 'data-testid': 'person-item' },
          h(
            'header',
            { class: 'detail-head' },
            h(PersonReasonBadge, { item }),
            h(
              'span',
              null,
              REASON_TEXT[item.reason] ??
                (item.reason.startsWith('blocked-') ? 'A reply was blocked before posting' : ''),
            ),
            h('span', { class: 'muted' }, ` · ${dateTime(item.at)}`),
            h(DoneNote, { item }),
            h(
              Link,
              { href: `/cases/${encodeURIComponent(item.caseId)}`, class: 'push-right' },
              `Case ${item.caseId} →`,
            ),
            item.doneAt === undefined ? h(DoneButton, { item, canAct, onDone }) : null,
          ),
          h(PostCard, { mention: { ...item.mention, lang: null, inReplyToId: null } }),
          item.classification === null
            ? null
            : h(
                'p',
                { class: 'small' },
                h(SeverityBadge, { severity: item.classification.severity }),
                ` ${item.classification.category ?? 'uncategorised'} · complaint ${item.classification.complaint ? 'yes' : 'no'} (${percent(item.classification.confidence)})`,
                item.classification.flags.length > 0
                  ? ` · ${item.classification.flags.join(', ')}`
                  : '',
              ),
        ),
      ),
    ),
  );
}
