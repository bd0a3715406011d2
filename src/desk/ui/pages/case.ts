import { h } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { CaseDetail } from '../../routes/cases.js';
import {
  AuditTimeline,
  Badge,
  ClassificationPanel,
  Countdown,
  DoneNote,
  ErrorNote,
  EscalateForm,
  PersonReasonBadge,
  PostCard,
  RelabelForm,
  SeverityBadge,
  StateActions,
} from '../components.js';
import { api, messageOf, type SessionInfo } from '../lib/api.js';
import { dateTime } from '../lib/format.js';
import { Link } from '../lib/router.js';

/** One case: its posts, drafts, people items and the full audit timeline. */
export function CasePage(props: { id: string; session: SessionInfo }) {
  const canAct = props.session.user.role !== 'viewer';
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const body = await api.get<{ data: CaseDetail }>(
        `/api/cases/${encodeURIComponent(props.id)}`,
      );
      setDetail(body.data);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }, [props.id]);

  useEffect(() => {
    setDetail(null);
    setError(null);
    void load();
  }, [load]);

  if (detail === null) {
    return h(
      'main',
      { class: 'page' },
      h('p', null, h(Link, { href: '/cases' }, '← Cases')),
      h(ErrorNote, { error }),
      error === null ? h('p', { class: 'muted' }, 'Loading…') : null,
    );
  }
  const summary = detail.case;
  return h(
    'main',
    { class: 'page case-page' },
    h('p', null, h(Link, { href: '/cases' }, '← Cases')),
    h(
      'header',
      { class: 'detail-head' },
      h('h1', null, `Case ${summary.id}`),
      h(SeverityBadge, { severity: summary.effective.severity }),
      h(Badge, null, summary.effective.category ?? 'uncategorised'),
      h(Badge, { kind: `state-${summary.state}` }, summary.state.replace(/_/g, ' ')),
      summary.effective.relabelled ? h(Badge, { kind: 'muted' }, 'relabelled') : null,
    ),
    h(
      'dl',
      { class: 'facts wide' },
      h('dt', null, 'Posted'),
      h('dd', null, dateTime(summary.postedAt)),
      h('dt', null, 'First response'),
      h('dd', null, dateTime(summary.firstResponseAt)),
      h('dt', null, 'Resolved'),
      h('dd', null, dateTime(summary.resolvedAt)),
      h('dt', null, 'Decision'),
      h(
        'dd',
        null,
        summary.decision
          ? `${summary.decision.action.replace(/_/g, ' ')} (${summary.decision.reason})`
          : '—',
      ),
      h('dt', null, 'Due'),
      h(
        'dd',
        null,
        summary.decision?.deadline ? h(Countdown, { deadline: summary.decision.deadline }) : '—',
      ),
    ),
    h(ErrorNote, { error }),
    h('h2', null, `Posts (${detail.mentions.length})`),
    detail.mentions.map((item, index) =>
      h(
        'div',
        { key: item.mention.id, class: 'case-mention' },
        h(PostCard, {
          mention: item.mention,
          label: index === 0 ? 'opened the case' : 'follow-up',
        }),
        h(
          'details',
          { class: 'case-classification' },
          h('summary', null, 'Classification'),
          h(ClassificationPanel, { classification: item.classification }),
        ),
      ),
    ),
    h('h2', null, `Drafts (${detail.drafts.length})`),
    detail.drafts.length === 0
      ? h('p', { class: 'muted' }, 'No drafts.')
      : h(
          'table',
          { class: 'table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['Draft', 'Status', 'Text', 'Decided', 'Note'].map((title) =>
                h('th', { key: title }, title),
              ),
            ),
          ),
          h(
            'tbody',
            null,
            detail.drafts.map((draft) =>
              h(
                'tr',
                { key: draft.id },
                h(
                  'td',
                  { class: 'nowrap' },
                  draft.id,
                  h('div', { class: 'muted small' }, `${draft.kind} · ${draft.origin}`),
                ),
                h(
                  'td',
                  null,
                  h(Badge, { kind: `draft-${draft.status}` }, draft.status.replace(/_/g, ' ')),
                ),
                h('td', { class: 'post-cell' }, draft.text),
                h(
                  'td',
                  { class: 'nowrap' },
                  draft.decidedBy ?? '—',
                  h('div', { class: 'muted small' }, dateTime(draft.decidedAt)),
                ),
                h('td', null, draft.note ?? draft.failure ?? ''),
              ),
            ),
          ),
        ),
    detail.people.length === 0
      ? null
      : h(
          'div',
          null,
          h('h2', null, 'Waiting for a person'),
          h(
            'ul',
            { 'data-testid': 'case-people' },
            detail.people.map((item) =>
              h(
                'li',
                { key: item.id },
                h(PersonReasonBadge, { item }),
                ` since ${dateTime(item.at)}`,
                h(DoneNote, { item }),
              ),
            ),
          ),
        ),
    h('h2', null, 'State'),
    h(StateActions, {
      caseId: summary.id,
      nextStates: detail.nextStates,
      canAct,
      onDone: () => void load(),
    }),
    h('h2', null, 'Relabel or escalate'),
    h(
      'div',
      { class: 'case-actions' },
      h(RelabelForm, {
        caseId: summary.id,
        complaint: summary.effective.complaint,
        severity: summary.effective.severity,
        category: summary.effective.category,
        canAct,
        onDone: () => void load(),
      }),
      h(EscalateForm, { caseId: summary.id, canAct, onDone: () => void load() }),
    ),
    h('h2', null, 'Timeline'),
    h(AuditTimeline, { records: detail.audit }),
  );
}
