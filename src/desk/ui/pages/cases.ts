import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { excerpt } from '../../../core/excerpt.js';
import type { CaseSummary } from '../../routes/cases.js';
import { Badge, ErrorNote, SeverityBadge, useSettings } from '../components.js';
import { api, messageOf, query } from '../lib/api.js';
import { dateTime } from '../lib/format.js';
import { Link, navigate } from '../lib/router.js';
import { SOURCES } from '../../../core/policy/types.js';
import { CASE_STATES, SEVERITIES } from '../../../core/types.js';

const FILTERS = ['q', 'state', 'source', 'category', 'severity', 'from', 'to'] as const;

type Filter = (typeof FILTERS)[number];
type Filters = Record<Filter, string>;

function filtersFrom(search: URLSearchParams): Filters {
  const filters = {} as Filters;
  for (const key of FILTERS) {
    filters[key] = search.get(key) ?? '';
  }
  return filters;
}

/** The date picker's "to" day counts in full: the API's `to` is exclusive. */
function inclusiveEnd(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    return date;
  }
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function Select(props: {
  label: string;
  value: string;
  options: readonly string[] | ReadonlyArray<{ id: string; label: string }>;
  onChange: (value: string) => void;
}) {
  return h(
    'label',
    null,
    props.label,
    h(
      'select',
      {
        value: props.value,
        onChange: (event: Event) =>
          props.onChange((event.currentTarget as HTMLSelectElement).value),
      },
      h('option', { value: '' }, 'any'),
      props.options.map((option) =>
        typeof option === 'string'
          ? h('option', { key: option, value: option }, option.replace(/_/g, ' '))
          : h('option', { key: option.id, value: option.id }, option.label),
      ),
    ),
  );
}

/** Search and filter cases; the filters live in the URL, so a filtered list can be shared or bookmarked. */
export function CasesPage(props: { search: URLSearchParams }) {
  const settings = useSettings();
  const [filters, setFilters] = useState<Filters>(() => filtersFrom(props.search));
  const [cases, setCases] = useState<CaseSummary[] | null>(null);
  const [truncated, setTruncated] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const searchKey = props.search.toString();

  useEffect(() => {
    const applied = filtersFrom(new URLSearchParams(searchKey));
    setFilters(applied);
    setCases(null);
    setError(null);
    api
      .get<{ data: CaseSummary[]; truncated: boolean }>(
        `/api/cases${query({ ...applied, to: inclusiveEnd(applied.to), limit: 200 })}`,
      )
      .then((body) => {
        setCases(body.data);
        setTruncated(body.truncated);
      })
      .catch((failure: unknown) => setError(messageOf(failure)));
  }, [searchKey]);

  const set = (key: Filter) => (value: string) =>
    setFilters((current) => ({ ...current, [key]: value }));
  const submit = (event: Event) => {
    event.preventDefault();
    navigate(`/cases${query(filters)}`);
  };

  return h(
    'main',
    { class: 'page' },
    h('h1', null, 'Cases'),
    h(
      'form',
      { class: 'filters', onSubmit: submit },
      h(
        'label',
        null,
        'Search',
        h('input', {
          type: 'search',
          value: filters.q,
          placeholder: 'text or author',
          onInput: (event: Event) => set('q')((event.currentTarget as HTMLInputElement).value),
        }),
      ),
      h(Select, {
        label: 'State',
        value: filters.state,
        options: CASE_STATES,
        onChange: set('state'),
      }),
      h(Select, {
        label: 'Source',
        value: filters.source,
        options: SOURCES,
        onChange: set('source'),
      }),
      h(Select, {
        label: 'Category',
        value: filters.category,
        options: settings?.categories ?? [],
        onChange: set('category'),
      }),
      h(Select, {
        label: 'Severity',
        value: filters.severity,
        options: SEVERITIES,
        onChange: set('severity'),
      }),
      h(
        'label',
        null,
        'From',
        h('input', {
          type: 'date',
          value: filters.from,
          onInput: (event: Event) => set('from')((event.currentTarget as HTMLInputElement).value),
        }),
      ),
      h(
        'label',
        null,
        'To',
        h('input', {
          type: 'date',
          value: filters.to,
          onInput: (event: Event) => set('to')((event.currentTarget as HTMLInputElement).value),
        }),
      ),
      h('button', { type: 'submit', class: 'primary' }, 'Filter'),
      h('button', { type: 'button', onClick: () => navigate('/cases') }, 'Clear'),
    ),
    h(ErrorNote, { error }),
    cases === null && error === null ? h('p', { class: 'muted' }, 'Loading…') : null,
    cases !== null && cases.length === 0 ? h('p', { class: 'empty' }, 'No case matches.') : null,
    cases === null || cases.length === 0
      ? null
      : h(
          'table',
          { class: 'table cases-table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['Case', 'Posted', 'Author', 'Post', 'Severity', 'Category', 'State', 'Source'].map(
                (title) => h('th', { key: title }, title),
              ),
            ),
          ),
          h(
            'tbody',
            null,
            cases.map((item) =>
              h(
                'tr',
                { key: item.id, 'data-testid': 'case-row' },
                h(
                  'td',
                  { class: 'nowrap case-id' },
                  h(Link, { href: `/cases/${encodeURIComponent(item.id)}` }, item.id),
                ),
                h('td', { class: 'nowrap' }, dateTime(item.postedAt)),
                h('td', null, item.opening ? `@${item.opening.author.username}` : '—'),
                h(
                  'td',
                  { class: 'post-cell' },
                  item.opening ? excerpt(item.opening.text, 120) : '—',
                ),
                h(
                  'td',
                  null,
                  h(SeverityBadge, { severity: item.effective.severity }),
                  item.effective.relabelled
                    ? h(Badge, { kind: 'muted', title: 'relabelled by a person' }, '✎')
                    : null,
                ),
                h('td', null, item.effective.category ?? '—'),
                h(
                  'td',
                  null,
                  h(Badge, { kind: `state-${item.state}` }, item.state.replace(/_/g, ' ')),
                ),
                h('td', { class: 'muted nowrap' }, item.source ?? item.platform),
              ),
            ),
          ),
        ),
    truncated
      ? h('p', { class: 'muted small' }, 'More cases match: narrow the filters or the dates.')
      : null,
  );
}
