// The desk's browser code, type-checked by src/desk/ui/tsconfig.json (DOM types) and bundled for the
// browser by esbuild (npm run build:ui).
import { h, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Badge } from './components.js';
import { api, setCsrfToken, setUnauthorizedHandler, type SessionInfo } from './lib/api.js';
import { useDeskEvents, type DeskLive } from './lib/events.js';
import { Link, navigate, useLocation } from './lib/router.js';
import { CasePage } from './pages/case.js';
import { CasesPage } from './pages/cases.js';
import { InboxPage } from './pages/inbox.js';
import { LoginPage } from './pages/login.js';
import { MetricsPage } from './pages/metrics.js';
import { PeoplePage } from './pages/people.js';
import { SettingsPage } from './pages/settings.js';

const NAV = [
  { href: '/', label: 'Inbox' },
  { href: '/cases', label: 'Cases' },
  { href: '/people', label: 'People' },
  { href: '/sla', label: 'Metrics' },
  { href: '/settings', label: 'Settings' },
] as const;

const TITLES: Record<string, string> = {
  '/': 'Inbox',
  '/cases': 'Cases',
  '/people': 'People',
  '/sla': 'Metrics',
  '/settings': 'Settings',
  '/login': 'Sign in',
};

function isActive(href: string, path: string): boolean {
  return href === '/' ? path === '/' : path.startsWith(href);
}

function TopBar(props: {
  session: SessionInfo;
  path: string;
  live: DeskLive;
  onSignOut: () => void;
}) {
  return h(
    'header',
    { class: 'topbar' },
    h('span', { class: 'brand' }, 'earshot'),
    h(
      'nav',
      null,
      NAV.map((item) =>
        h(
          Link,
          {
            key: item.href,
            href: item.href,
            class: isActive(item.href, props.path) ? 'active' : '',
          },
          item.label,
          item.href === '/' && props.live.pendingCount !== null
            ? h(
                'span',
                { class: 'count-pill', 'data-testid': 'pending-count' },
                String(props.live.pendingCount),
              )
            : null,
        ),
      ),
    ),
    h(
      'div',
      { class: 'topbar-right' },
      props.live.control?.paused
        ? h(Link, { href: '/settings' }, h(Badge, { kind: 'danger' }, 'posting paused'))
        : null,
      h(
        'span',
        { class: `live live-${props.live.status}`, title: 'Updates arrive without reloading' },
        props.live.status === 'live' ? '● live' : '○ reconnecting',
      ),
      h('span', { class: 'user' }, `${props.session.user.name} (${props.session.user.role})`),
      h('button', { class: 'link', onClick: props.onSignOut }, 'Sign out'),
    ),
  );
}

function Page(props: {
  session: SessionInfo;
  path: string;
  search: URLSearchParams;
  live: DeskLive;
}) {
  const { path, session, live } = props;
  const caseMatch = /^\/cases\/([^/]+)$/.exec(path);
  if (caseMatch?.[1] !== undefined) {
    return h(CasePage, { id: decodeURIComponent(caseMatch[1]), session });
  }
  switch (path) {
    case '/cases':
      return h(CasesPage, { search: props.search });
    case '/people':
      return h(PeoplePage, { version: live.draftsVersion, session });
    case '/sla':
      return h(MetricsPage, null);
    case '/settings':
      return h(SettingsPage, { session, control: live.control });
    default:
      return h(InboxPage, { session, draftsVersion: live.draftsVersion });
  }
}

function App() {
  const { path, search } = useLocation();
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [checked, setChecked] = useState(false);
  const live = useDeskEvents(session !== null);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setSession(null);
      setCsrfToken(null);
      if (location.pathname !== '/login') {
        navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, {
          replace: true,
        });
      }
    });
    api
      .get<SessionInfo>('/api/session')
      .then((info) => {
        setCsrfToken(info.csrfToken);
        setSession(info);
        if (location.pathname === '/login') {
          navigate('/', { replace: true });
        }
      })
      .catch(() => {
        if (location.pathname !== '/login') {
          navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, {
            replace: true,
          });
        }
      })
      .finally(() => setChecked(true));
  }, []);

  useEffect(() => {
    const title = TITLES[path] ?? (path.startsWith('/cases/') ? 'Case' : 'Desk');
    document.title = `${title} · earshot`;
  }, [path]);

  if (!checked) {
    return h('p', { class: 'muted boot' }, 'Loading…');
  }
  if (session === null || path === '/login') {
    return h(LoginPage, {
      onSignedIn: (info) => {
        setCsrfToken(info.csrfToken);
        setSession(info);
        const next = search.get('next');
        navigate(next !== null && next.startsWith('/') && !next.startsWith('//') ? next : '/', {
          replace: true,
        });
      },
    });
  }
  const signOut = () => {
    void api.delete('/api/session').finally(() => {
      setSession(null);
      setCsrfToken(null);
      navigate('/login', { replace: true });
    });
  };
  return h(
    'div',
    { class: 'shell' },
    h(TopBar, { session, path, live, onSignOut: signOut }),
    live.control?.paused && path !== '/settings'
      ? h(
          'p',
          { class: 'banner', role: 'status' },
          `Posting is paused by ${live.control.by ?? 'someone'}: ${live.control.reason ?? 'no reason given'}. Approved replies wait in the queue.`,
        )
      : null,
    h(Page, { session, path, search, live }),
  );
}

const root = document.getElementById('app');
if (root !== null) {
  render(h(App, null), root);
}
