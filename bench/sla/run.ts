import type { Policy } from '../../src/core/policy/index.js';
import type { BucketConfig } from '../../src/core/token-bucket.js';
import type { Severity } from '../../src/core/types.js';
import type { Complaint, SimSettings } from './model.js';
import { random } from './random.js';
import {
  notificationTable,
  schedulerReport,
  type SchedulerReport,
  type Table,
  type TargetCheck,
} from './report.js';
import { postRequests, syntheticComplaints, triage } from './scenario.js';
import { simulatePosting } from './simulate.js';

/** Everything one run of the bench found, for the text and the Markdown report. */
export interface BenchRun {
  settings: SimSettings;
  policy: Policy;
  bucket: BucketConfig;
  xWindowStart: number;
  complaints: Complaint[];
  notify: { table: Table; check: TargetCheck };
  /** earshot first, then the FIFO baseline. */
  reports: [SchedulerReport, SchedulerReport];
  decideMsPerMention: number;
  wallMs: number;
}

/** The policy with `notify.pageImmediately` replaced, or unchanged for null. */
export function withPaging(policy: Policy, pageImmediately: Severity[] | null): Policy {
  if (pageImmediately === null) {
    return policy;
  }
  return { ...policy, notify: { ...policy.notify, pageImmediately } };
}

/** Simulates the hour for both schedulers over the same complaints, decisions and people. */
export function runBench(settings: SimSettings, policy: Policy, bucket: BucketConfig): BenchRun {
  // X's windows run on X's clock: a phase we cannot know, drawn from the seed (whole seconds, like its headers).
  const windowSeconds = settings.xWindowMs / 1_000;
  const phase = Math.floor(random(settings.seed ^ 0x5eed)() * windowSeconds) * 1_000;
  const xWindowStart = settings.start - phase;

  const began = performance.now();
  const { complaints, decideMsPerMention } = triage(
    syntheticComplaints(settings),
    policy,
    settings,
  );
  const requests = postRequests(complaints);
  const notify = notificationTable(complaints);
  const options = { settings, bucket, xWindowStart };
  const earshot = simulatePosting('earshot', requests, options);
  const fifo = simulatePosting('fifo', requests, options);
  const reports: [SchedulerReport, SchedulerReport] = [
    schedulerReport(complaints, earshot, settings, notify.check),
    schedulerReport(complaints, fifo, settings, notify.check),
  ];
  return {
    settings,
    policy,
    bucket,
    xWindowStart,
    complaints,
    notify,
    reports,
    decideMsPerMention,
    wallMs: performance.now() - began,
  };
}
