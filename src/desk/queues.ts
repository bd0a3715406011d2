import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { App } from '../app.js';
import { BUDGET_NAMES, QUEUE_NAMES, SEND_QUEUE_NAMES } from '../queue/jobs.js';

export type QueueName =
  | (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES]
  | (typeof SEND_QUEUE_NAMES)[keyof typeof SEND_QUEUE_NAMES];

export interface DeskQueues {
  /** Every queue earshot runs, by name. */
  all: ReadonlyArray<{ name: QueueName; queue: Queue }>;
  /** The app's queue connection, for reads the stores do not offer (the audit stream from an id). */
  redis: Redis;
  prefix: string;
  /** Closes only the queue handles opened here; the shared connection stays the app's. */
  close(): Promise<void>;
}

/**
 * The app exposes the queues its use-cases write to; the poll and watchdog queues are opened here on the
 * same connection and prefix, so Bull Board and /metrics see them all (one send queue per rate budget).
 */
export function deskQueues(app: App): DeskQueues {
  const { triage, send, notify } = app.context.queues;
  const connection = triage.opts.connection;
  if (!(connection instanceof Redis)) {
    throw new Error('The desk expects the app to share one ioredis connection among its queues');
  }
  const options = { connection, prefix: triage.opts.prefix ?? 'bull' };
  const poll = new Queue(QUEUE_NAMES.poll, options);
  const watchdog = new Queue(QUEUE_NAMES.watchdog, options);
  for (const queue of [poll, watchdog]) {
    queue.on('error', () => undefined);
  }
  return {
    all: [
      { name: QUEUE_NAMES.poll, queue: poll },
      { name: QUEUE_NAMES.triage, queue: triage },
      ...BUDGET_NAMES.map((budget) => ({ name: SEND_QUEUE_NAMES[budget], queue: send[budget] })),
      { name: QUEUE_NAMES.notify, queue: notify },
      { name: QUEUE_NAMES.watchdog, queue: watchdog },
    ],
    redis: connection,
    prefix: options.prefix,
    async close() {
      await Promise.all([poll.close(), watchdog.close()]);
    },
  };
}
