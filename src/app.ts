import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Policy } from './core/policy/index.js';
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
  BUDGET_NAMES,
  LEGACY_SEND_QUEUE,
  QUEUE_NAMES,
  SEND_QUEUE_NAMES,
  jobIds,
  type NotifyJob,
  type PollJob,
  type SendDraftJob,
  type TriageJob,
  type WatchdogJob,
  type EngagementWatchJob,
} from './queue/jobs.js';
import type { ConnectionRole } from './queue/connection.js';
import { createRateBudget } from './queue/rate-budget.js';
import type { Notifier } from './responders/notify/types.js';
import { createResponderRegistry } from './responders/registry.js';
import type { DmResponder, PublicReplyResponder } from './responders/types.js';
import { createSourceRegistry } from './sources/registry.js';
import type { EngagementLookup, Source } from './sources/types.js';
import { createAuditLog } from './store/audit-log.js';
import { createCaseStore } from './store/cases.js';
import { createControlStore, type PauseState } from './store/control.js';
import { createCursorStore } from './store/cursors.js';
import { createDailyCounters } from './store/daily.js';
import { createDraftStore } from './store/drafts.js';
import { redisKeys } from './store/keys.js';
import { createLabelStore } from './store/labels.js';
import { createMentionStore } from './store/mentions.js';
import { createOptOutStore } from './store/opt-outs.js';
import { createPeopleQueue } from './store/people-queue.js';
import { createPostedTexts } from './store/posted-texts.js';
import { createSentGuard } from './store/sent-guard.js';
import type { AppContext, BudgetName } from './app/context.js';
import type { BucketConfig } from './core/token-bucket.js';
import { backfillSource, type BackfillProgress } from './app/backfill.js';
import { createDraftService, type DraftService } from './app/drafts.js';
import { pollSource, type PollOutcome } from './app/ingest.js';
import { requestNotification } from './app/notify.js';
import {
  budgetFor,
  giveUpSend,
  ReadBackDeferred,
  SendingPaused,
  sendDraft,
} from './app/send-draft.js';
import { triageMention } from './app/triage.js';
import { runWatchdog, type WatchdogReport } from './app/watchdog.js';
import {
  DEFAULT_WATCH_REQUESTS,
  runEngagementWatch,
  type EngagementWatchReport,
} from './app/engagement-watch.js';

export interface AppDeps {
  /** Redis key and BullMQ prefix. */
  prefix: string;
  logger: Logger;
  /** Opens a Redis connection for a role; createApp closes what it opens. */
  connect: (role: ConnectionRole) => Redis;
  now: () => Date;
  dryRun: boolean;
  brand: { id: string; handle: string; name: string };
  /** rules/policy.yaml, validated. */
  policy: Policy;
  /** Async when a trained model needs the sentence encoder's vector of each text (src/lib/sentence-encoder.ts). */
  classify: (input: ClassifierInput) => Classification | Promise<Classification>;
  draft: (input: Omit<DraftInput, 'brand'>) => Draft;
  /** Sources to poll, each with its interval. Pollers get read-only clients. */
  sources: ReadonlyArray<{ source: Source; everyMs: number }>;
  /** Outbound channels; the only holders of write clients. */
  responders: readonly PublicReplyResponder[];
  dmResponders?: readonly DmResponder[];
  notifiers?: readonly Notifier[];
  /** Links in notifications point here. */
  deskBaseUrl?: string;
  /** Support DMs must link a privacy policy; without one, DM hand-offs are off. */
  privacyUrlConfigured?: boolean;
  /** Upper bound of the deterministic delay added to automated sends; 0 in tests. */
  jitterMs?: number;
  /** Overrides of the default posting budgets (token buckets sized from the pay-per-use limits). */
  budgets?: Partial<Record<BudgetName, BucketConfig>>;
  /** How often the SLA watchdog runs. */
  watchdogEveryMs?: number;
  /** Re-reads X engagement of open complaints (post lookup, read-only); without it the watch is off. */
  engagementLookup?: EngagementLookup | null;
  /** How often the engagement watch runs; 0 switches it off. Default 5 minutes. */
  engagementWatchEveryMs?: number;
  /** Lookup requests per watch run (each up to 100 posts). Default 5. */
  engagementWatchRequests?: number;
  /** Worker tuning; tests shorten the lock so a "killed" worker's job is picked up quickly. */
  workers?: {
    lockDuration?: number;
    stalledInterval?: number;
    sendAttempts?: number;
    sendBackoffMs?: number;
    notifyBackoffMs?: number;
  };
}

export interface App {
  context: AppContext;
  drafts: DraftService;
  /** Registers the schedulers (one run per tick across all processes) and starts the workers. */
  start(options?: { schedule?: boolean }): Promise<void>;
  /** Runs one poll of a source now, in this process. */
  pollOnce(source: SourceId): Promise<PollOutcome>;
  /** Imports a source's history since a date (`earshot backfill`); old items are archived, never replied to. */
  backfill(
    source: SourceId,
    since: Date,
    onProgress?: (progress: BackfillProgress) => void,
  ): Promise<BackfillProgress>;
  /** Runs the SLA watchdog once now, in this process. */
  watchdogOnce(): Promise<WatchdogReport>;
  /** Runs the engagement watch once now, in this process (nothing to do without an engagement lookup). */
  engagementWatchOnce(): Promise<EngagementWatchReport>;
  /** Kill switch: stops all posting at once across every process; queued work waits in order. */
  pause(by: string, reason?: string | null): Promise<void>;
  resume(by: string): Promise<void>;
  pauseState(): Promise<PauseState>;
  /** Waits until triage, send and notify have nothing waiting, delayed or active. */
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
    send: Object.fromEntries(
      BUDGET_NAMES.map((budget) => [
        budget,
        new Queue<SendDraftJob>(SEND_QUEUE_NAMES[budget], {
          connection: queueConnection,
          prefix,
          // 8 attempts, 2 s doubling: an outage of about four minutes is ridden out before a person takes over.
          defaultJobOptions: {
            ...DEFAULT_JOB_OPTIONS,
            attempts: deps.workers?.sendAttempts ?? 8,
            backoff: { type: 'exponential', delay: deps.workers?.sendBackoffMs ?? 2000 },
          },
        }),
      ]),
    ) as Record<BudgetName, Queue<SendDraftJob>>,
    notify: new Queue<NotifyJob>(QUEUE_NAMES.notify, {
      connection: queueConnection,
      prefix,
      defaultJobOptions: {
        ...DEFAULT_JOB_OPTIONS,
        attempts: 8,
        backoff: { type: 'exponential', delay: deps.workers?.notifyBackoffMs ?? 5000 },
      },
    }),
    watchdog: new Queue<WatchdogJob>(QUEUE_NAMES.watchdog, { connection: queueConnection, prefix }),
  };
  const sendQueues = Object.values(queues.send);
  // Every queue, however many a new role adds: each gets the error handler and is closed on stop.
  const allQueues = Object.values(queues).flatMap((queue): Queue[] =>
    queue instanceof Queue ? [queue] : Object.values(queue),
  );
  for (const queue of allQueues) {
    queue.on('error', (err) => logger.warn({ err: { message: err.message } }, 'Queue error'));
  }

  const notifiers = new Map((deps.notifiers ?? []).map((notifier) => [notifier.id, notifier]));
  const context: AppContext = {
    logger,
    now: deps.now,
    dryRun: deps.dryRun,
    brand: deps.brand,
    policy: deps.policy,
    jitterMs: deps.jitterMs ?? 0,
    deskBaseUrl: deps.deskBaseUrl ?? 'http://127.0.0.1:3000',
    privacyUrlConfigured: deps.privacyUrlConfigured ?? false,
    classify: deps.classify,
    draft: deps.draft,
    sources: createSourceRegistry(deps.sources.map((entry) => entry.source)),
    responders: createResponderRegistry(deps.responders),
    dmResponders: new Map(
      (deps.dmResponders ?? []).map((responder) => [responder.platform, responder]),
    ),
    notifiers,
    notify: (request) => requestNotification(context, request),
    rateBudget: createRateBudget(store, prefix, deps.budgets),
    mentions: createMentionStore(store, keys),
    cases: createCaseStore(store, keys),
    cursors: createCursorStore(store, keys),
    sentGuard: createSentGuard(store, keys),
    audit: createAuditLog(store, keys),
    people: createPeopleQueue(store, keys),
    postedTexts: createPostedTexts(store, keys),
    drafts: createDraftStore(store, keys),
    optOuts: createOptOutStore(store, keys),
    daily: createDailyCounters(store, keys, deps.policy.timezone),
    control: createControlStore(store, keys),
    labels: createLabelStore(store, keys),
    queues: { triage: queues.triage, send: queues.send, notify: queues.notify },
  };
  const drafts = createDraftService(context);

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
    // One worker per send queue: its rate limit (a spent budget) pauses only that queue.
    const sendWorkers = BUDGET_NAMES.map((budget) => {
      const worker: Worker<SendDraftJob> = new Worker<SendDraftJob>(
        SEND_QUEUE_NAMES[budget],
        async (job: Job<SendDraftJob>, token?: string) => {
          try {
            return await sendDraft(context, job.data.draftId);
          } catch (error) {
            if (error instanceof ReadBackDeferred) {
              // Only this job waits for the platform's read window; the queue's other replies go on.
              await job.moveToDelayed(error.retryAt, token);
              throw new DelayedError();
            }
            if (error instanceof SendingPaused) {
              await worker.rateLimit(2000);
              throw Worker.RateLimitError();
            }
            if (error instanceof PlatformRateLimited) {
              // Waits for the budget or the platform's window without burning an attempt (BullMQ manual rate limit).
              await worker.rateLimit(Math.max(250, error.resetAt - deps.now().getTime()));
              throw Worker.RateLimitError();
            }
            if (error instanceof PolicyBlocked || error instanceof DuplicateContent) {
              throw new UnrecoverableError(error.message);
            }
            const attempts = job.attemptsMade + 1;
            if (error instanceof PlatformAuthError || attempts >= (job.opts.attempts ?? 1)) {
              // Retrying cannot help now: the draft fails and a person takes over (sendDraft handled the two above).
              await giveUpSend(context, job.data.draftId, error, attempts);
              throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
            }
            throw error;
          }
        },
        workerOptions(1),
      );
      return worker;
    });
    const notifyWorker = new Worker<NotifyJob>(
      QUEUE_NAMES.notify,
      async (job: Job<NotifyJob>) => {
        const notifier = notifiers.get(job.data.notifierId);
        if (notifier === undefined) {
          throw new UnrecoverableError(
            `No notification channel ${job.data.notifierId} is configured`,
          );
        }
        try {
          await notifier.notify(job.data.event, stopping.signal);
        } catch (error) {
          const retryable = (error as { retryable?: boolean }).retryable !== false;
          const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
          if (!retryable || lastAttempt) {
            await context.audit.append({
              at: deps.now().toISOString(),
              caseId: job.data.event.caseId,
              source: job.data.event.source,
              mentionId: null,
              outcome: 'failed',
              reason: 'notify-failed',
              actor: 'earshot',
              severity: job.data.event.severity,
              detail: `${notifier.id}: ${(error as Error).message} (event ${job.data.event.id}, attempt ${job.attemptsMade + 1})`,
            });
          }
          if (!retryable) {
            throw new UnrecoverableError((error as Error).message);
          }
          throw error;
        }
      },
      workerOptions(2),
    );
    // Two slots, so a slow X lookup of the engagement watch never holds the SLA watchdog back.
    const watchdogWorker = new Worker<WatchdogJob | EngagementWatchJob>(
      QUEUE_NAMES.watchdog,
      async (job) => (job.name === 'engagement-watch' ? watchEngagement() : runWatchdog(context)),
      workerOptions(2),
    );
    for (const worker of [pollWorker, triageWorker, ...sendWorkers, notifyWorker, watchdogWorker]) {
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

  /**
   * Earlier versions kept every reply in one `send` queue; its waiting and delayed jobs move to their budget's
   * queue (same job id, priority and due time), so an upgrade loses no reply.
   */
  async function moveLegacySends(): Promise<number> {
    const legacy = new Queue<SendDraftJob>(LEGACY_SEND_QUEUE, {
      connection: queueConnection,
      prefix,
    });
    try {
      const jobs = await legacy.getJobs(['waiting', 'prioritized', 'delayed']);
      for (const job of jobs) {
        const draft = await context.drafts.get(job.data.draftId);
        if (draft === null) {
          logger.warn(
            { jobId: job.id },
            'A queued reply names a draft that no longer exists; dropped',
          );
        } else {
          // BullMQ schedules on the wall clock, so the due time is kept on it too.
          const delay = Math.max(0, job.timestamp + (job.opts.delay ?? 0) - Date.now());
          await queues.send[budgetFor(draft)].add(job.name, job.data, {
            ...(job.id === undefined ? {} : { jobId: job.id }),
            ...(job.opts.priority === undefined ? {} : { priority: job.opts.priority }),
            ...(delay > 0 ? { delay } : {}),
          });
        }
        await job.remove();
      }
      return jobs.length;
    } finally {
      await legacy.close();
    }
  }

  const engagementLookup = deps.engagementLookup ?? null;
  const engagementWatchEveryMs = deps.engagementWatchEveryMs ?? 300_000;

  async function watchEngagement(): Promise<EngagementWatchReport> {
    if (engagementLookup === null) {
      return { lookedUp: 0, requests: 0, left: 0, raised: [], missing: [] };
    }
    return runEngagementWatch(context, engagementLookup, {
      maxRequests: deps.engagementWatchRequests ?? DEFAULT_WATCH_REQUESTS,
      signal: stopping.signal,
    });
  }

  async function isIdle(): Promise<boolean> {
    const paused = await context.control.isPaused();
    for (const queue of [queues.triage, ...sendQueues, queues.notify]) {
      // A paused send queue holds its jobs on purpose: only what is running counts then.
      const held = paused && (sendQueues as Queue[]).includes(queue);
      const counts = held
        ? await queue.getJobCounts('active')
        : await queue.getJobCounts(
            'active',
            'waiting',
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
    drafts,

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
        await queues.watchdog.upsertJobScheduler(
          jobIds.watchdogScheduler(),
          { every: deps.watchdogEveryMs ?? 30_000 },
          { name: 'watchdog', data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
        );
        if (engagementLookup !== null && engagementWatchEveryMs > 0) {
          await queues.watchdog.upsertJobScheduler(
            jobIds.engagementWatchScheduler(),
            { every: engagementWatchEveryMs },
            {
              name: 'engagement-watch',
              data: {},
              opts: { removeOnComplete: 100, removeOnFail: 100 },
            },
          );
        } else {
          await queues.watchdog.removeJobScheduler(jobIds.engagementWatchScheduler());
        }
      }
      if (await context.control.isPaused()) {
        await Promise.all(sendQueues.map((queue) => queue.pause()));
        logger.warn('Sending is paused (earshot resume to release queued replies)');
      }
      const moved = await moveLegacySends();
      if (moved > 0) {
        logger.info({ moved }, 'Moved queued replies from the single send queue to one per budget');
      }
      const indexed = await context.people.indexByCase();
      if (indexed > 0) {
        logger.info({ indexed }, 'Indexed people-queue items by case');
      }
      startWorkers();
      await Promise.all(workers.map((worker) => worker.waitUntilReady()));
    },

    async pollOnce(source) {
      return pollSource(context, source, stopping.signal);
    },

    async backfill(source, since, onProgress) {
      return backfillSource(context, source, since, stopping.signal, onProgress);
    },

    async watchdogOnce() {
      return runWatchdog(context);
    },

    engagementWatchOnce: watchEngagement,

    async pause(by, reason = null) {
      const now = deps.now();
      await context.control.pause(by, now, reason);
      await Promise.all(sendQueues.map((queue) => queue.pause()));
      await context.audit.append({
        at: now.toISOString(),
        caseId: null,
        source: null,
        mentionId: null,
        outcome: 'paused',
        reason: 'kill-switch',
        actor: by,
        ...(reason ? { detail: reason } : {}),
      });
      logger.warn({ by }, 'PAUSED: nothing will be posted until resume');
    },

    async resume(by) {
      const now = deps.now();
      await context.control.resume();
      await Promise.all(sendQueues.map((queue) => queue.resume()));
      await context.audit.append({
        at: now.toISOString(),
        caseId: null,
        source: null,
        mentionId: null,
        outcome: 'resumed',
        reason: 'kill-switch',
        actor: by,
      });
      logger.warn({ by }, 'RESUMED: queued replies go out in priority order');
    },

    pauseState: () => context.control.state(),

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
      await Promise.all(allQueues.map((queue) => queue.close()));
      await Promise.all(
        opened.map((connection) => connection.quit().catch(() => connection.disconnect())),
      );
    },
  };
}
