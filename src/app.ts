import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ReplyPolicy } from './core/decide.js';
import type { Classification, ClassifierInput, Draft, SourceId } from './core/types.js';
import type { DraftInput } from './core/draft.js';
import {
  DuplicateContent,
  PlatformAuthError,
  PlatformRateLimited,
  PolicyBlocked,
} from './errors.js';
import type { Logger } from './lib/logger.js';
import {
  QUEUE_NAMES,
  jobIds,
  type PollJob,
  type SendReplyJob,
  type TriageJob,
} from './queue/jobs.js';
import type { ConnectionRole } from './queue/connection.js';
import { createResponderRegistry } from './responders/registry.js';
import type { PublicReplyResponder } from './responders/types.js';
import { createSourceRegistry } from './sources/registry.js';
import type { Source } from './sources/types.js';
import { createAuditLog } from './store/audit-log.js';
import { createCaseStore } from './store/cases.js';
import { createCursorStore } from './store/cursors.js';
import { redisKeys } from './store/keys.js';
import { createMentionStore } from './store/mentions.js';
import { createPeopleQueue } from './store/people-queue.js';
import { createPostedTexts } from './store/posted-texts.js';
import { createSentGuard } from './store/sent-guard.js';
import type { AppContext } from './app/context.js';
import { pollSource, type PollOutcome } from './app/ingest.js';
import { triageMention } from './app/triage.js';
import { sendReply } from './app/send-reply.js';

export interface AppDeps {
  /** Redis key and BullMQ prefix. */
  prefix: string;
  logger: Logger;
  /** Opens a Redis connection for a role; createApp closes what it opens. */
  connect: (role: ConnectionRole) => Redis;
  now: () => Date;
  dryRun: boolean;
  brand: { id: string; handle: string; name: string };
  policy: ReplyPolicy;
  classify: (input: ClassifierInput) => Classification;
  draft: (input: Omit<DraftInput, 'brand'>) => Draft;
  /** Sources to poll, each with its interval. Pollers get read-only clients. */
  sources: ReadonlyArray<{ source: Source; everyMs: number }>;
  /** Outbound channels; the only holders of write clients. */
  responders: readonly PublicReplyResponder[];
  /** Worker tuning; tests shorten the lock so a "killed" worker's job is picked up quickly. */
  workers?: { lockDuration?: number; stalledInterval?: number; replyAttempts?: number };
}

export interface App {
  context: AppContext;
  /** Registers the poll schedulers (one run per tick across all processes) and starts the workers. */
  start(options?: { schedule?: boolean }): Promise<void>;
  /** Runs one poll of a source now, in this process. */
  pollOnce(source: SourceId): Promise<PollOutcome>;
  /** Waits until the triage and reply queues have nothing waiting, delayed or active. */
  drain(timeoutMs?: number): Promise<void>;
  /** Stops workers (waiting for active jobs unless `force`, which simulates a killed process) and closes Redis. */
  stop(options?: { force?: boolean }): Promise<void>;
}

const ALL_SOURCES: readonly SourceId[] = ['x-mentions', 'x-search', 'app-store', 'google-play'];

const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 5000 },
} as const;

/** Builds the whole bot from its dependencies. No process.env, no signals: main.ts owns those. */
export function createApp(deps: AppDeps): App {
  const { logger, prefix } = deps;
  const opened: Redis[] = [];
  const open = (role: ConnectionRole): Redis => {
    const connection = deps.connect(role);
    opened.push(connection);
    return connection;
  };
  const store = open('store');
  const keys = redisKeys(prefix);
  const queueConnection = open('queue');
  const queues = {
    poll: new Queue<PollJob>(QUEUE_NAMES.poll, { connection: queueConnection, prefix }),
    triage: new Queue<TriageJob>(QUEUE_NAMES.triage, {
      connection: queueConnection,
      prefix,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    }),
    replies: new Queue<SendReplyJob>(QUEUE_NAMES.replies, {
      connection: queueConnection,
      prefix,
      defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, attempts: deps.workers?.replyAttempts ?? 5 },
    }),
  };
  for (const queue of Object.values(queues)) {
    queue.on('error', (err) => logger.warn({ err: { message: err.message } }, 'Queue error'));
  }

  const context: AppContext = {
    logger,
    now: deps.now,
    dryRun: deps.dryRun,
    brand: deps.brand,
    policy: deps.policy,
    classify: deps.classify,
    draft: deps.draft,
    sources: createSourceRegistry(deps.sources.map((entry) => entry.source)),
    responders: createResponderRegistry(deps.responders),
    mentions: createMentionStore(store, keys),
    cases: createCaseStore(store, keys),
    cursors: createCursorStore(store, keys),
    sentGuard: createSentGuard(store, keys),
    audit: createAuditLog(store, keys),
    people: createPeopleQueue(store, keys),
    postedTexts: createPostedTexts(store, keys),
    queues: { triage: queues.triage, replies: queues.replies },
  };

  const stopping = new AbortController();
  const workers: Worker[] = [];
  const workerOptions = (concurrency: number) => ({
    connection: open('worker'),
    prefix,
    concurrency,
    ...(deps.workers?.lockDuration !== undefined
      ? { lockDuration: deps.workers.lockDuration }
      : {}),
    ...(deps.workers?.stalledInterval !== undefined
      ? { stalledInterval: deps.workers.stalledInterval }
      : {}),
  });

  function startWorkers(): void {
    const pollWorker = new Worker<PollJob>(
      QUEUE_NAMES.poll,
      async (job: Job<PollJob>) => {
        try {
          return await pollSource(context, job.data.source, stopping.signal);
        } catch (error) {
          if (error instanceof PlatformAuthError) {
            logger.error({ source: job.data.source }, error.message);
          }
          throw error;
        }
      },
      workerOptions(1),
    );
    const triageWorker = new Worker<TriageJob>(
      QUEUE_NAMES.triage,
      async (job: Job<TriageJob>) => triageMention(context, job.data),
      workerOptions(4),
    );
    const replyWorker: Worker<SendReplyJob> = new Worker<SendReplyJob>(
      QUEUE_NAMES.replies,
      async (job: Job<SendReplyJob>) => {
        try {
          return await sendReply(context, job.data);
        } catch (error) {
          if (error instanceof PlatformRateLimited) {
            // Waits for the platform's window without burning an attempt (BullMQ manual rate limit).
            await replyWorker.rateLimit(Math.max(1000, error.resetAt - deps.now().getTime()));
            throw Worker.RateLimitError();
          }
          if (
            error instanceof PolicyBlocked ||
            error instanceof DuplicateContent ||
            error instanceof PlatformAuthError
          ) {
            throw new UnrecoverableError(error.message);
          }
          throw error;
        }
      },
      workerOptions(1),
    );
    for (const worker of [pollWorker, triageWorker, replyWorker]) {
      worker.on('error', (err) => logger.warn({ err: { message: err.message } }, 'Worker error'));
      worker.on('failed', (job, err) => {
        if (job && err.name !== 'RateLimitError') {
          logger.warn(
            { jobId: job.id, queue: job.queueName, err: { message: err.message } },
            'Job failed',
          );
        }
      });
      workers.push(worker);
    }
  }

  async function isIdle(): Promise<boolean> {
    for (const queue of [queues.triage, queues.replies]) {
      const counts = await queue.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'prioritized',
        'waiting-children',
      );
      if (Object.values(counts).some((count) => count > 0)) {
        return false;
      }
    }
    return true;
  }

  return {
    context,

    async start(options = {}) {
      if (options.schedule ?? true) {
        const polled = new Set(deps.sources.map(({ source }) => source.id));
        for (const known of ALL_SOURCES) {
          if (!polled.has(known)) {
            await queues.poll.removeJobScheduler(jobIds.pollScheduler(known));
          }
        }
        for (const { source, everyMs } of deps.sources) {
          await queues.poll.upsertJobScheduler(
            jobIds.pollScheduler(source.id),
            { every: everyMs },
            {
              name: 'poll',
              data: { source: source.id },
              opts: { removeOnComplete: 100, removeOnFail: 100 },
            },
          );
        }
      }
      startWorkers();
      await Promise.all(workers.map((worker) => worker.waitUntilReady()));
    },

    async pollOnce(source) {
      return pollSource(context, source, stopping.signal);
    },

    async drain(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(await isIdle())) {
        if (Date.now() > deadline) {
          throw new Error(`Queues still busy after ${timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },

    async stop(options = {}) {
      stopping.abort();
      if (options.force) {
        await Promise.all(workers.map((worker) => worker.close(true)));
        for (const connection of opened) {
          connection.disconnect();
        }
        return;
      }
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all(Object.values(queues).map((queue) => queue.close()));
      await Promise.all(
        opened.map((connection) => connection.quit().catch(() => connection.disconnect())),
      );
    },
  };
}
