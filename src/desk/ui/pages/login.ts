import { h } from 'preact';
import { useState } from 'preact/hooks';
import { ErrorNote } from '../components.js';
import { api, ApiFailure, type SessionInfo } from '../lib/api.js';

interface LoginAnswer {
  user: SessionInfo['user'];
  csrfToken: string;
}

function failureText(error: unknown): string {
  if (error instanceof ApiFailure && error.status === 401) {
    return 'Wrong name or password.';
  }
  if (error instanceof ApiFailure && error.status === 429) {
    return error.body?.message ?? 'Too many failed sign-ins; wait a few minutes.';
  }
  return error instanceof Error ? error.message : String(error);
}

export function LoginPage(props: { onSignedIn: (session: SessionInfo) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<LoginAnswer>('/api/session', { name, password });
      props.onSignedIn({ user: answer.user, csrfToken: answer.csrfToken });
    } catch (failure) {
      setError(failureText(failure));
      setBusy(false);
    }
  };

  return h(
    'main',
    { class: 'login' },
    h(
      'form',
      { class: 'card login-card', onSubmit: submit },
      h('h1', null, 'earshot desk'),
      h('p', { class: 'muted' }, 'Sign in to approve replies, work cases and see response times.'),
      h(
        'label',
        null,
        'Name',
        h('input', {
          name: 'name',
          autoComplete: 'username',
          required: true,
          value: name,
          onInput: (event: Event) => setName((event.currentTarget as HTMLInputElement).value),
        }),
      ),
      h(
        'label',
        null,
        'Password',
        h('input', {
          name: 'password',
          type: 'password',
          autoComplete: 'current-password',
          required: true,
          value: password,
          onInput: (event: Event) => setPassword((event.currentTarget as HTMLInputElement).value),
        }),
      ),
      h(ErrorNote, { error }),
      h(
        'button',
        { type: 'submit', class: 'primary', disabled: busy },
        busy ? 'Signing in…' : 'Sign in',
      ),
      h(
        'p',
        { class: 'muted small' },
        'No account? An admin creates one with ',
        h('code', null, 'earshot users add'),
        '.',
      ),
    ),
  );
}
