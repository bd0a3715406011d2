import type { ServerResponse } from 'node:http';
import type { App } from '../app.js';
import type { Logger } from '../lib/logger.js';
import type { PauseState } from '../store/control.js';

/**
 * What the desk pushes over server-sent events.
 * - `drafts`: the pending drafts changed (a new draft, an approval or rejection anywhere, an edit).
 * - `control`: the kill switch moved.
 */
export type DeskEvent =
  | { type: 'drafts'; pending: string[]; added: string[]; removed: string[] }
  | { type: 'control'; state: PauseState };

export interface Snapshot {
  pending: string[];
  control: PauseState;
}

export type EventListener = (event: DeskEvent) => void;

/**
 * One poller per server, shared by every open event stream: it reads the pending-drafts index and the pause
 * state once per tick while anyone listens, and stops when the last stream closes. Redis holds all state, so
 * changes made by any process (another desk, the CLI, the watchdog) reach every browser.
 */
export interface EventHub {
  subscribe(listener: EventListener): Promise<{ snapshot: Snapshot; unsubscribe: () => void }>;
  /** Polls once now (tests, and right after this server changed something). */
  poll(): Promise<void>;
  close(): void;
}

function sameControl(a: PauseState, b: PauseState): boolean {
  return a.paused === b.paused && a.by === b.by && a.at === b.at && a.reason === b.reason;
}

export function createEventHub(app: App, options: { pollMs: number; logger: Logger }): EventHub {
  const listeners = new Set<EventListener>();
  let last: Snapshot | null = null;
  let timer: NodeJS.Timeout | null = null;
  let polling: Promise<void> | null = null;

  async function read(): Promise<Snapshot> {
    const [pending, control] = await Promise.all([app.context.drafts.pending(), app.pauseState()]);
    return { pending: pending.map((draft) => draft.id), control };
  }

  function emit(event: DeskEvent): void {
    for (const listener of listeners) {
      listener(event);
    }
  }

  async function tick(): Promise<void> {
    const next = await read();
    const previous = last;
    last = next;
    if (previous === null) {
      return;
    }
    const before = new Set(previous.pending);
    const after = new Set(next.pending);
    const added = next.pending.filter((id) => !before.has(id));
    const removed = previous.pending.filter((id) => !after.has(id));
    const reordered = previous.pending.join('\n') !== next.pending.join('\n');
    if (added.length > 0 || removed.length > 0 || reordered) {
      emit({ type: 'drafts', pending: next.pending, added, removed });
    }
    if (!sameControl(previous.control, next.control)) {
      emit({ type: 'control', state: next.control });
    }
  }

  function poll(): Promise<void> {
    polling ??= tick()
      .catch((error: unknown) => {
        options.logger.warn(
          { err: { message: error instanceof Error ? error.message : String(error) } },
          'Desk event poll failed',
        );
      })
      .finally(() => {
        polling = null;
      });
    return polling;
  }

  function stopTimer(): void {
    if (timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  }

  return {
    async subscribe(listener) {
      const snapshot = last ?? (await read());
      last ??= snapshot;
      listeners.add(listener);
      if (timer === null) {
        timer = setInterval(() => void poll(), options.pollMs);
        timer.unref();
      }
      return {
        snapshot,
        unsubscribe() {
          listeners.delete(listener);
          if (listeners.size === 0) {
            stopTimer();
            last = null;
          }
        },
      };
    },
    poll,
    close() {
      stopTimer();
      listeners.clear();
    },
  };
}

/** Writes one server-sent event; data is JSON, so it never holds a bare newline that could forge a field. */
export function writeEvent(stream: ServerResponse, name: string, data: unknown): void {
  stream.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}
