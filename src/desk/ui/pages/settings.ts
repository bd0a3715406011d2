import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { SlaTarget } from '../../../core/policy/index.js';
import type { PauseState } from '../../../store/control.js';
import type { CheckView, SettingsView } from '../../routes/settings.js';
import { Badge, ErrorNote } from '../components.js';
import { api, messageOf, type SessionInfo } from '../lib/api.js';
import { dateTime } from '../lib/format.js';

function slaText(target: SlaTarget): string {
  switch (target.kind) {
    case 'minutes':
      return `${target.minutes} min, day and night`;
    case 'business-minutes':
      return `${target.minutes} business minutes`;
    case 'same-day':
      return target.cutoff === null
        ? 'same business day'
        : `same business day (cut-off ${target.cutoff})`;
    case 'working-days':
      return `${target.days} working day(s)`;
  }
}

function conditions(when: object): string {
  const entries = Object.entries(when);
  return entries.length === 0
    ? 'always'
    : entries.map(([key, value]) => `${key}: ${JSON.stringify(value)}`).join('; ');
}

function Check(props: { label: string; check: CheckView }) {
  const { check } = props;
  return h(
    'li',
    { class: check.ok ? 'check ok' : 'check failed' },
    h(
      Badge,
      { kind: check.ok ? 'ok' : 'danger' },
      check.ok ? 'valid' : `${check.errors.length} problem(s)`,
    ),
    ` ${props.label}: ${check.files.length} file(s), version `,
    h('code', null, check.version ?? 'n/a'),
    check.errors.length === 0
      ? null
      : h(
          'ul',
          { class: 'errors' },
          check.errors.map((error, index) => h('li', { key: index }, h('code', null, error))),
        ),
  );
}

/** The kill switch: approvers and admins may pause all posting (with a reason) and resume it. */
function PauseSwitch(props: {
  session: SessionInfo;
  control: PauseState | null;
  onChange: (state: PauseState) => void;
}) {
  const canAct = props.session.user.role !== 'viewer';
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const state = props.control;
  const send = async (path: string, body: object) => {
    setError(null);
    try {
      const answer = await api.post<{ data: PauseState }>(path, body);
      props.onChange(answer.data);
      setReason('');
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  if (state === null) {
    return h('p', { class: 'muted' }, 'Loading…');
  }
  return h(
    'section',
    { class: state.paused ? 'card switch paused' : 'card switch', 'data-testid': 'pause-switch' },
    h(
      'h2',
      null,
      'Posting ',
      state.paused ? h(Badge, { kind: 'danger' }, 'paused') : h(Badge, { kind: 'ok' }, 'running'),
    ),
    state.paused
      ? h(
          'p',
          null,
          `Paused by ${state.by ?? 'unknown'} at ${dateTime(state.at)}: `,
          h('q', null, state.reason ?? 'no reason given'),
          '. Queued replies wait in order.',
        )
      : h(
          'p',
          { class: 'muted' },
          'Replies go out as they are approved. Pausing holds every reply in every process at once.',
        ),
    state.paused
      ? h(
          'button',
          {
            class: 'primary',
            disabled: !canAct,
            onClick: () => void send('/api/control/resume', {}),
          },
          'Resume posting',
        )
      : h(
          'form',
          {
            class: 'inline-form',
            onSubmit: (event: Event) => {
              event.preventDefault();
              void send('/api/control/pause', { reason });
            },
          },
          h('input', {
            type: 'text',
            required: true,
            maxLength: 500,
            placeholder: 'Why (e.g. incident statement pending)',
            value: reason,
            disabled: !canAct,
            onInput: (event: Event) => setReason((event.currentTarget as HTMLInputElement).value),
          }),
          h(
            'button',
            { type: 'submit', class: 'danger', disabled: !canAct || reason.trim() === '' },
            'Pause all posting',
          ),
        ),
    canAct
      ? null
      : h('p', { class: 'muted small' }, 'Pausing and resuming need the approver role.'),
    h(ErrorNote, { error }),
  );
}

export function SettingsPage(props: { session: SessionInfo; control: PauseState | null }) {
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [control, setControl] = useState<PauseState | null>(props.control);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .get<{ data: SettingsView }>('/api/settings')
      .then((body) => setSettings(body.data))
      .catch((failure: unknown) => setError(messageOf(failure)));
    api
      .get<{ data: PauseState }>('/api/control')
      .then((body) => setControl(body.data))
      .catch((failure: unknown) => setError(messageOf(failure)));
  }, []);

  useEffect(() => {
    if (props.control !== null) {
      setControl(props.control);
    }
  }, [props.control]);

  const policy = settings?.policy;
  return h(
    'main',
    { class: 'page settings-page' },
    h('h1', null, 'Settings'),
    h(ErrorNote, { error }),
    h(PauseSwitch, { session: props.session, control, onChange: setControl }),
    settings === null || policy === undefined
      ? h('p', { class: 'muted' }, 'Loading…')
      : h(
          'div',
          null,
          h('h2', null, 'Versions and checks'),
          h(
            'p',
            { class: 'muted small' },
            'Read-only. Change rules/ and templates/ in the repository, check them with `earshot rules check`, then restart.',
          ),
          settings.policyChangedOnDisk
            ? h(
                'p',
                { class: 'error' },
                'policy.yaml on disk differs from the policy this process runs: restart to apply it.',
              )
            : null,
          h(
            'ul',
            { class: 'checks' },
            h(Check, { label: 'classifier rules', check: settings.checks.rules }),
            h(Check, { label: 'policy', check: settings.checks.policy }),
            h(Check, { label: 'templates', check: settings.checks.templates }),
          ),
          h(
            'p',
            { class: 'small' },
            'Running policy version ',
            h('code', null, policy.version),
            ' in time zone ',
            h('code', null, policy.timezone),
          ),
          h('h2', null, 'Service levels'),
          h(
            'table',
            { class: 'table compact' },
            h(
              'thead',
              null,
              h('tr', null, h('th', null, 'Severity'), h('th', null, 'First-response target')),
            ),
            h(
              'tbody',
              null,
              (['P0', 'P1', 'P2', 'P3'] as const).map((severity) =>
                h(
                  'tr',
                  { key: severity },
                  h('th', null, severity),
                  h('td', null, slaText(policy.sla[severity])),
                ),
              ),
            ),
          ),
          h(
            'dl',
            { class: 'facts wide' },
            h('dt', null, 'Acknowledge within'),
            h('dd', null, `${policy.acknowledgeWithinMinutes} min`),
            h('dt', null, 'Business hours'),
            h(
              'dd',
              null,
              `${policy.businessHours.days.join(', ')} ${policy.businessHours.from}–${policy.businessHours.to}`,
            ),
            h('dt', null, 'Quiet hours'),
            h(
              'dd',
              null,
              policy.quietHours === null
                ? 'none'
                : `${policy.quietHours.from}–${policy.quietHours.to} (except ${policy.quietHours.exceptSeverities.join(', ') || 'none'})`,
            ),
            h('dt', null, 'Approval needed for'),
            h(
              'dd',
              null,
              [
                ...policy.approval.severities,
                ...policy.approval.categories.map((category) => `category ${category}`),
                `confidence < ${policy.approval.minConfidence}`,
              ].join(', '),
            ),
            h('dt', null, 'Daily caps'),
            h(
              'dd',
              null,
              `${policy.gate.dailyPostCap} posts, $${policy.gate.dailySpendCapUsd.toFixed(2)}`,
            ),
            h('dt', null, 'AI replies approved by X'),
            h('dd', null, policy.gate.aiRepliesApproved ? 'yes' : 'no'),
          ),
          h('h2', null, `Policy rules (${policy.rules.length}, first match wins)`),
          h(
            'table',
            { class: 'table compact rules' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                ['Rule', 'When', 'Then', 'Approval', 'Reason'].map((title) =>
                  h('th', { key: title }, title),
                ),
              ),
            ),
            h(
              'tbody',
              null,
              policy.rules.map((rule) =>
                h(
                  'tr',
                  { key: rule.id },
                  h('td', null, h('code', null, rule.id)),
                  h('td', { class: 'small' }, conditions(rule.when)),
                  h('td', null, rule.then.replace(/_/g, ' ')),
                  h('td', null, rule.approval),
                  h('td', { class: 'muted' }, rule.reason),
                ),
              ),
            ),
          ),
          h('h2', null, `Categories (${settings.categories.length})`),
          h(
            'p',
            null,
            settings.categories.map((category) =>
              h(
                Badge,
                { key: category.id, title: category.id },
                `${category.label} · ${category.severity}`,
              ),
            ),
          ),
          h('h2', null, `Templates (${settings.templates.length})`),
          h(
            'table',
            { class: 'table compact' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                ['Template', 'Platform', 'Kind', 'Language', 'Limit', 'Variants'].map((title) =>
                  h('th', { key: title }, title),
                ),
              ),
            ),
            h(
              'tbody',
              null,
              settings.templates.map((template) =>
                h(
                  'tr',
                  { key: template.id },
                  h('td', null, h('code', null, template.id)),
                  h('td', null, template.platform),
                  h('td', null, template.kind),
                  h('td', null, template.lang),
                  h('td', null, String(template.limit)),
                  h('td', null, String(template.variants)),
                ),
              ),
            ),
          ),
        ),
  );
}
