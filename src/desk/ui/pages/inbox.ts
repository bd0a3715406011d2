import { h } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { defaultLimit, measure } from '../../../core/draft/measure.js';
import { excerpt } from '../../../core/excerpt.js';
import { platformOf } from '../../../core/types.js';
import type { DraftRecord } from '../../../store/drafts.js';
import type { CaseDetail, MentionView } from '../../routes/cases.js';
import {
  Badge,
  ClassificationPanel,
  Countdown,
  ErrorNote,
  EscalateForm,
  PostCard,
  RelabelForm,
  SeverityBadge,
} from '../components.js';
import { api, messageOf, type SessionInfo } from '../lib/api.js';
import { Link } from '../lib/router.js';

type Mode = 'view' | 'edit' | 'reject';

/** Weighted characters against the platform's limit: `n/280` on X, code points against 350 on Play. */
export function CharCount(props: { draft: DraftRecord; text: string }) {
  const platform = platformOf(props.draft.source);
  const limit = defaultLimit(platform, props.draft.channel === 'dm' ? 'dm' : 'first-reply');
  const length = measure(props.text, platform);
  return h(
    'span',
    { class: length > limit ? 'count over' : 'count', 'data-testid': 'char-count' },
    `${length}/${limit}`,
  );
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) {
    return false;
  }
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

interface ThreadEntry {
  at: string;
  key: string;
  mention?: MentionView;
  reply?: DraftRecord;
}

function Thread(props: { detail: CaseDetail; draft: DraftRecord }) {
  const entries: ThreadEntry[] = [
    ...props.detail.mentions
      .filter((item) => item.mention.id !== props.draft.mentionId)
      .map((item) => ({
        at: item.mention.createdAt,
        key: `m-${item.mention.id}`,
        mention: item.mention,
      })),
    ...props.detail.drafts
      .filter((draft) => draft.status === 'sent')
      .map((draft) => ({
        at: draft.sentAt ?? draft.createdAt,
        key: `d-${draft.id}`,
        reply: draft,
      })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  if (entries.length === 0) {
    return h('p', { class: 'muted' }, 'No other posts or replies in this thread yet.');
  }
  return h(
    'div',
    { class: 'thread' },
    entries.map((entry) => {
      if (entry.mention !== undefined) {
        return h(PostCard, { key: entry.key, mention: entry.mention, label: 'in thread' });
      }
      const reply = entry.reply;
      return h(
        'article',
        { key: entry.key, class: 'post brand-reply' },
        h(
          'header',
          { class: 'post-head' },
          h('strong', null, 'Brand reply'),
          h('span', { class: 'muted' }, ` by ${reply?.decidedBy ?? 'earshot'}`),
        ),
        h('p', { class: 'post-text' }, reply?.text ?? ''),
      );
    }),
  );
}

export function InboxPage(props: { session: SessionInfo; draftsVersion: number }) {
  const canAct = props.session.user.role !== 'viewer';
  const [drafts, setDrafts] = useState<DraftRecord[] | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [mode, setMode] = useState<Mode>('view');
  const [text, setText] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const editor = useRef<HTMLTextAreaElement>(null);
  const noteInput = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => {
    try {
      const body = await api.get<{ data: DraftRecord[] }>('/api/drafts');
      setDrafts(body.data);
      setSelectedId((current) => {
        if (current !== null && body.data.some((draft) => draft.id === current)) {
          return current;
        }
        return body.data[0]?.id ?? null;
      });
    } catch (failure) {
      setError(messageOf(failure));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load, props.draftsVersion]);

  const selected = drafts?.find((draft) => draft.id === selectedId) ?? null;

  const loadDetail = useCallback(async (caseId: string) => {
    try {
      const body = await api.get<{ data: CaseDetail }>(`/api/cases/${encodeURIComponent(caseId)}`);
      setDetail(body.data);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }, []);

  useEffect(() => {
    setMode('view');
    setNote('');
    setDetail(null);
    if (selected !== null) {
      setText(selected.text);
      void loadDetail(selected.caseId);
    }
  }, [selected?.id]);

  const move = (step: number) => {
    if (drafts === null || drafts.length === 0) {
      return;
    }
    const index = drafts.findIndex((draft) => draft.id === selectedId);
    const next = Math.min(Math.max(index + step, 0), drafts.length - 1);
    setSelectedId(drafts[next]?.id ?? null);
  };

  /** After a decision the next draft is selected, and the list is reloaded from the server. */
  const decided = async (id: string, message: string, select: string | null = null) => {
    setFlash(message);
    setMode('view');
    const current = drafts ?? [];
    const index = current.findIndex((draft) => draft.id === id);
    const rest = current.filter((draft) => draft.id !== id);
    setDrafts(rest);
    setSelectedId(select ?? rest[Math.min(index, rest.length - 1)]?.id ?? null);
    await load();
  };

  const act = async (run: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setFlash(null);
    try {
      await run();
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  const approve = () => {
    if (selected === null || !canAct || busy) {
      return;
    }
    void act(async () => {
      await api.post(`/api/drafts/${encodeURIComponent(selected.id)}/approve`);
      await decided(
        selected.id,
        `Approved: the reply to @${selected.authorUsername} is queued to send.`,
      );
    });
  };

  const saveEdit = (event?: Event) => {
    event?.preventDefault();
    if (selected === null || !canAct) {
      return;
    }
    void act(async () => {
      const body = await api.post<{ data: DraftRecord }>(
        `/api/drafts/${encodeURIComponent(selected.id)}/edit`,
        { text },
      );
      await decided(selected.id, 'Edited: the new text waits for approval.', body.data.id);
    });
  };

  const confirmReject = (event?: Event) => {
    event?.preventDefault();
    if (selected === null || !canAct) {
      return;
    }
    void act(async () => {
      await api.post(`/api/drafts/${encodeURIComponent(selected.id)}/reject`, { note });
      await decided(
        selected.id,
        `Rejected: the reply to @${selected.authorUsername} will not be sent.`,
      );
    });
  };

  const startEdit = () => {
    if (selected === null || !canAct) {
      return;
    }
    setText(selected.text);
    setMode('edit');
    setTimeout(() => editor.current?.focus(), 0);
  };

  const startReject = () => {
    if (selected === null || !canAct) {
      return;
    }
    setMode('reject');
    setTimeout(() => noteInput.current?.focus(), 0);
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) {
        return;
      }
      if (isTyping(event.target)) {
        if (event.key === 'Escape') {
          setMode('view');
          (event.target as HTMLElement).blur();
        }
        return;
      }
      const actions: Record<string, () => void> = {
        j: () => move(1),
        k: () => move(-1),
        a: approve,
        e: startEdit,
        r: startReject,
        Escape: () => setMode('view'),
      };
      const action = actions[event.key];
      if (action !== undefined) {
        event.preventDefault();
        action();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const mention =
    detail?.mentions.find((item) => item.mention.id === selected?.mentionId) ??
    detail?.mentions[0] ??
    null;

  return h(
    'main',
    { class: 'inbox' },
    h(
      'section',
      { class: 'inbox-list', 'aria-label': 'Drafts awaiting approval' },
      h(
        'h1',
        null,
        'Inbox ',
        h('span', { class: 'muted' }, drafts === null ? '' : `(${drafts.length})`),
      ),
      h(
        'p',
        { class: 'muted small' },
        'Sorted by SLA deadline. Keys: j/k move, a approve, e edit, r reject, Esc cancel.',
      ),
      drafts !== null && drafts.length === 0
        ? h(
            'p',
            { class: 'empty' },
            'Nothing waits for approval. New drafts appear here on their own.',
          )
        : null,
      h(
        'ul',
        { class: 'draft-list' },
        (drafts ?? []).map((draft) =>
          h(
            'li',
            {
              key: draft.id,
              class: draft.id === selectedId ? 'draft-item selected' : 'draft-item',
              'data-testid': 'draft-item',
              'data-draft-id': draft.id,
              onClick: () => setSelectedId(draft.id),
            },
            h(
              'div',
              { class: 'draft-item-head' },
              h(SeverityBadge, { severity: draft.severity }),
              h('span', { class: 'draft-author' }, `@${draft.authorUsername}`),
              h(Countdown, { deadline: draft.deadline }),
            ),
            h('div', { class: 'draft-item-text' }, excerpt(draft.text, 90)),
            h(
              'div',
              { class: 'muted small' },
              [draft.category ?? 'uncategorised', draft.source, draft.channel].join(' · '),
            ),
          ),
        ),
      ),
    ),
    h(
      'section',
      { class: 'inbox-detail', 'aria-label': 'Selected draft' },
      h(ErrorNote, { error }),
      flash === null ? null : h('p', { class: 'flash', role: 'status' }, flash),
      selected === null
        ? h('p', { class: 'muted' }, drafts === null ? 'Loading…' : 'Select a draft.')
        : h(
            'div',
            { class: 'detail', 'data-testid': 'draft-detail' },
            h(
              'header',
              { class: 'detail-head' },
              h(SeverityBadge, { severity: selected.severity }),
              h(Badge, null, selected.category ?? 'uncategorised'),
              h(Badge, { kind: 'muted' }, `${selected.kind} · ${selected.channel}`),
              h(Countdown, { deadline: selected.deadline }),
              h(
                Link,
                { href: `/cases/${encodeURIComponent(selected.caseId)}`, class: 'push-right' },
                `Case ${selected.caseId} →`,
              ),
            ),
            selected.approvalReasons.length === 0
              ? null
              : h(
                  'p',
                  { class: 'approval-reasons' },
                  'Needs approval: ',
                  selected.approvalReasons.map((reason) =>
                    h(Badge, { key: reason, kind: 'warn' }, reason),
                  ),
                ),
            h('h2', null, 'Original post'),
            mention === null
              ? h('p', { class: 'muted' }, 'Loading the post…')
              : h(PostCard, { mention: mention.mention }),
            h(
              'div',
              { class: 'columns' },
              h(
                'div',
                null,
                h(
                  'h2',
                  null,
                  'Draft reply ',
                  h(CharCount, { draft: selected, text: mode === 'edit' ? text : selected.text }),
                ),
                mode === 'edit'
                  ? h(
                      'form',
                      { class: 'edit-form', onSubmit: saveEdit },
                      h('textarea', {
                        ref: editor,
                        rows: 5,
                        value: text,
                        'data-testid': 'edit-text',
                        onInput: (event: Event) =>
                          setText((event.currentTarget as HTMLTextAreaElement).value),
                      }),
                      h(
                        'div',
                        { class: 'actions' },
                        h(
                          'button',
                          {
                            type: 'submit',
                            class: 'primary',
                            disabled: busy,
                            'data-testid': 'save-edit',
                          },
                          'Save edit',
                        ),
                        h('button', { type: 'button', onClick: () => setMode('view') }, 'Cancel'),
                      ),
                    )
                  : h('p', { class: 'draft-text', 'data-testid': 'draft-text' }, selected.text),
                mode === 'reject'
                  ? h(
                      'form',
                      { class: 'reject-form', onSubmit: confirmReject },
                      h('input', {
                        ref: noteInput,
                        type: 'text',
                        required: true,
                        maxLength: 1000,
                        placeholder: 'Why is this reply wrong? (recorded in the audit log)',
                        value: note,
                        'data-testid': 'reject-note',
                        onInput: (event: Event) =>
                          setNote((event.currentTarget as HTMLInputElement).value),
                      }),
                      h(
                        'div',
                        { class: 'actions' },
                        h(
                          'button',
                          {
                            type: 'submit',
                            class: 'danger',
                            disabled: busy || note.trim() === '',
                            'data-testid': 'confirm-reject',
                          },
                          'Reject draft',
                        ),
                        h('button', { type: 'button', onClick: () => setMode('view') }, 'Cancel'),
                      ),
                    )
                  : null,
                mode === 'view'
                  ? h(
                      'div',
                      { class: 'actions' },
                      h(
                        'button',
                        {
                          class: 'primary',
                          disabled: !canAct || busy,
                          onClick: approve,
                          'data-testid': 'approve',
                          title: 'a',
                        },
                        'Approve ',
                        h('kbd', null, 'a'),
                      ),
                      h(
                        'button',
                        {
                          disabled: !canAct || busy,
                          onClick: startEdit,
                          'data-testid': 'edit',
                          title: 'e',
                        },
                        'Edit ',
                        h('kbd', null, 'e'),
                      ),
                      h(
                        'button',
                        {
                          class: 'danger',
                          disabled: !canAct || busy,
                          onClick: startReject,
                          'data-testid': 'reject',
                          title: 'r',
                        },
                        'Reject ',
                        h('kbd', null, 'r'),
                      ),
                    )
                  : null,
                canAct
                  ? null
                  : h(
                      'p',
                      { class: 'muted small' },
                      'You are a viewer: approving, editing and rejecting need the approver role.',
                    ),
              ),
              h(
                'div',
                null,
                h('h2', null, 'Classification'),
                h(ClassificationPanel, { classification: mention?.classification ?? null }),
              ),
            ),
            h('h2', null, 'Thread'),
            detail === null
              ? h('p', { class: 'muted' }, 'Loading…')
              : h(Thread, { detail, draft: selected }),
            h('h2', null, 'Relabel or escalate'),
            detail === null
              ? null
              : h(
                  'div',
                  { class: 'case-actions' },
                  h(RelabelForm, {
                    caseId: selected.caseId,
                    complaint: detail.case.effective.complaint,
                    severity: detail.case.effective.severity,
                    category: detail.case.effective.category,
                    canAct,
                    onDone: () => void loadDetail(selected.caseId),
                  }),
                  h(EscalateForm, {
                    caseId: selected.caseId,
                    canAct,
                    onDone: () => void loadDetail(selected.caseId),
                  }),
                ),
          ),
    ),
  );
}
