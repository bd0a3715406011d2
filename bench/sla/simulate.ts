import { fullBucket, observe, take, type BucketConfig } from '../../src/core/token-bucket.js';
import type { Severity } from '../../src/core/types.js';
import { SEVERITY_PRIORITY } from '../../src/queue/jobs.js';
import type { Post, PostRequest, RunResult, SchedulerName, SimSettings } from './model.js';
import { maxInAnySpan, simulatedX } from './x-platform.js';

interface PostQueue {
  push(request: PostRequest): void;
  peek(): PostRequest | undefined;
  shift(): void;
  all(): PostRequest[];
}

/** BullMQ's order for the replies queue: priority (SEVERITY_PRIORITY, 1 first), then first in, first out. */
function priorityQueue(): PostQueue {
  const lanes = new Map<number, PostRequest[]>();
  function head(): PostRequest[] | undefined {
    const priorities = [...lanes.keys()].sort((a, b) => a - b);
    for (const priority of priorities) {
      const lane = lanes.get(priority);
      if (lane !== undefined && lane.length > 0) {
        return lane;
      }
    }
    return undefined;
  }
  return {
    push(request) {
      const priority = SEVERITY_PRIORITY[request.severity];
      const lane = lanes.get(priority) ?? [];
      lane.push(request);
      lanes.set(priority, lane);
    },
    peek() {
      return head()?.[0];
    },
    shift() {
      head()?.shift();
    },
    all() {
      return [...lanes.values()].flat();
    },
  };
}

function fifoQueue(): PostQueue {
  const items: PostRequest[] = [];
  return {
    push(request) {
      items.push(request);
    },
    peek() {
      return items[0];
    },
    shift() {
      items.shift();
    },
    all() {
      return [...items];
    },
  };
}

function moreSevere(a: Severity, b: Severity): boolean {
  return SEVERITY_PRIORITY[a] < SEVERITY_PRIORITY[b];
}

export interface SimulateOptions {
  settings: SimSettings;
  /** earshot's 'x:post' bucket. */
  bucket: BucketConfig;
  /** Where X's fixed windows start (unknown to both schedulers). */
  xWindowStart: number;
}

/**
 * One reply worker draining the posting queue against a simulated X for the simulated hour.
 *
 * - `earshot`: the replies queue in severity priority, FIFO within a severity; every call takes a token from
 *   the real bucket (src/core/token-bucket.ts) first and, when refused, waits until `retryAt` as the worker's
 *   manual rate limit does; after every call the bucket observes X's rate-limit headers.
 * - `fifo`: one first-in, first-out queue and no budget: it posts as fast as the worker goes until X answers
 *   429, then waits for `x-rate-limit-reset` and posts again.
 */
export function simulatePosting(
  scheduler: SchedulerName,
  requests: readonly PostRequest[],
  options: SimulateOptions,
): RunResult {
  const { settings, bucket: config } = options;
  const end = settings.start + settings.durationMs;
  const x = simulatedX(settings.xPostLimit, settings.xWindowMs, options.xWindowStart);
  const queue = scheduler === 'earshot' ? priorityQueue() : fifoQueue();
  const posts: Post[] = [];
  let bucket = fullBucket(config, settings.start);
  let pausedUntil = 0;
  let rejected = 0;
  let orderViolations = 0;
  let priorityInversions = 0;
  let next = 0;
  let now = settings.start;

  while (now < end) {
    for (; next < requests.length && (requests[next]?.readyAt ?? end) <= now; next += 1) {
      const request = requests[next];
      if (request !== undefined) {
        queue.push(request);
      }
    }
    const head = queue.peek();
    if (head === undefined) {
      const upcoming = requests[next];
      if (upcoming === undefined) {
        break;
      }
      now = upcoming.readyAt;
      continue;
    }
    if (scheduler === 'earshot') {
      const grant = take(bucket, config, now);
      bucket = grant.state;
      if (!grant.granted) {
        now = grant.retryAt ?? now + settings.postMs;
        continue;
      }
    } else if (now < pausedUntil) {
      now = pausedUntil;
      continue;
    }

    const answer = x.post(now);
    if (scheduler === 'earshot') {
      bucket = observe(bucket, config, answer.remaining, answer.resetAt, now + settings.postMs);
    }
    if (answer.status === 429) {
      rejected += 1;
      pausedUntil = answer.resetAt;
      now += settings.postMs;
      continue;
    }
    queue.shift();
    const waiting = queue.all();
    if (
      waiting.some((other) => moreSevere(other.severity, head.severity) && other.deadline < now)
    ) {
      orderViolations += 1;
    }
    if (waiting.some((other) => moreSevere(other.severity, head.severity))) {
      priorityInversions += 1;
    }
    posts.push({ request: head, postedAt: now });
    now += settings.postMs;
  }

  const notYetQueued = requests.slice(next).filter((request) => request.readyAt < end);
  return {
    scheduler,
    posts,
    rejected,
    orderViolations,
    priorityInversions,
    waiting: [...queue.all(), ...notYetQueued],
    maxInXWindow: x.maxInWindow(),
    maxInAnySpan: maxInAnySpan(x.accepted(), settings.xWindowMs),
  };
}
