import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { PersonItem } from '../../../store/people-queue.js';
import { Badge, ErrorNote, PostCard, SeverityBadge } from '../components.js';
import { api, messageOf } from '../lib/api.js';
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
};

/** Escalations and keyword-search hits waiting for a person, oldest first. */
export function PeoplePage(props: { version: number }) {
  const [items, setItems] = useState<PersonItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .get<{ data: PersonItem[] }>('/api/people')
      .then((body) => setItems(body.data))
      .catch((failure: unknown) => setError(messageOf(failure)));
  }, [props.version]);

  return h(
    'main',
    { class: 'page' },
    h(
      'h1',
      null,
      'People queue ',
      h('span', { class: 'muted' }, items === null ? '' : `(${items.length})`),
    ),
    h(
      'p',
      { class: 'muted' },
      'Posts earshot must not or cannot answer on its own. Answer them on the platform, then work the case.',
    ),
    h(ErrorNote, { error }),
    items !== null && items.length === 0
      ? h('p', { class: 'empty' }, 'Nobody is waiting for a person.')
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
            h(Badge, { kind: 'warn' }, item.reason),
            h(
              'span',
              null,
              REASON_TEXT[item.reason] ??
                (item.reason.startsWith('blocked-') ? 'A reply was blocked before posting' : ''),
            ),
            h('span', { class: 'muted' }, ` · ${dateTime(item.at)}`),
            h(
              Link,
              { href: `/cases/${encodeURIComponent(item.caseId)}`, class: 'push-right' },
              `Case ${item.caseId} →`,
            ),
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
