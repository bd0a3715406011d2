import { useEffect, useRef, useState } from 'preact/hooks';
import type { PauseState } from '../../../store/control.js';
import { api, ApiFailure } from './api.js';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

export interface DeskLive {
  status: LiveStatus;
  /** Bumps whenever the pending drafts change anywhere: pages reload what they show. */
  draftsVersion: number;
  pendingCount: number | null;
  control: PauseState | null;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * One EventSource for the whole page. The browser reconnects by itself after a network error; a refused stream
 * (the session ended, the server restarted) closes it, so we check the session and reconnect with backoff.
 */
export function useDeskEvents(enabled: boolean): DeskLive {
  const [live, setLive] = useState<DeskLive>({
    status: 'connecting',
    draftsVersion: 0,
    pendingCount: null,
    control: null,
  });
  const backoff = useRef(1000);

  useEffect(() => {
    if (!enabled) {
      return undefined;
    }
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;

    const scheduleRetry = () => {
      if (stopped) {
        return;
      }
      retry = setTimeout(connect, backoff.current);
      backoff.current = Math.min(backoff.current * 2, MAX_BACKOFF_MS);
    };
    const connect = () => {
      source = new EventSource('/api/events');
      source.addEventListener('open', () => {
        backoff.current = 1000;
        setLive((state) => ({ ...state, status: 'live' }));
      });
      source.addEventListener('hello', (event) => {
        const data = JSON.parse((event as MessageEvent<string>).data) as {
          pending: string[];
          control: PauseState;
        };
        setLive((state) => ({
          status: 'live',
          draftsVersion: state.draftsVersion + 1,
          pendingCount: data.pending.length,
          control: data.control,
        }));
      });
      source.addEventListener('drafts', (event) => {
        const data = JSON.parse((event as MessageEvent<string>).data) as { pending: string[] };
        setLive((state) => ({
          ...state,
          draftsVersion: state.draftsVersion + 1,
          pendingCount: data.pending.length,
        }));
      });
      source.addEventListener('control', (event) => {
        const control = JSON.parse((event as MessageEvent<string>).data) as PauseState;
        setLive((state) => ({ ...state, control }));
      });
      source.addEventListener('error', () => {
        setLive((state) => ({ ...state, status: 'reconnecting' }));
        if (source?.readyState !== EventSource.CLOSED || stopped) {
          return;
        }
        // A 401 here sends the page to sign-in through the API client's handler; anything else: try again.
        void api.get('/api/session').then(scheduleRetry, (error: unknown) => {
          if (!(error instanceof ApiFailure && error.status === 401)) {
            scheduleRetry();
          }
        });
      });
    };
    connect();
    return () => {
      stopped = true;
      if (retry !== null) {
        clearTimeout(retry);
      }
      source?.close();
    };
  }, [enabled]);

  return live;
}
