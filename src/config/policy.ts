import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { isValidTimeZone, parseClockTime } from '../core/policy/hours.js';
import { isCatchAll } from '../core/policy/match.js';
import {
  ACTIONS,
  FLAGS,
  REPLY_ORIGINS,
  SOURCES,
  WEEKDAYS,
  type Policy,
  type PolicyRule,
  type SlaTarget,
} from '../core/policy/types.js';
import { SEVERITIES } from '../core/types.js';
import type { Severity } from '../core/types.js';
import { ConfigError } from '../errors.js';
import { formatIssues, parseYamlWithLines } from './yaml-lines.js';
import type { LocatedYaml } from './yaml-lines.js';

export type { Policy } from '../core/policy/types.js';

/** The policy file's name inside a rules directory. */
export const POLICY_FILE = 'policy.yaml';

// --- schemas (strict: an unknown key in our own file is an error) ---

const Clock = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day as "HH:MM" (00:00–23:59)');

const ClosingClock = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected a time of day as "HH:MM" (00:00–24:00)');

const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as "YYYY-MM-DD"')
  .refine(
    (date) => {
      const parsed = new Date(`${date}T00:00:00Z`);
      return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date);
    },
    { message: 'not a calendar date' },
  );

const Id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected an id of lower-case letters, digits, "_" and "-"');

const ReasonCode = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected a kebab-case code such as "complaint-acknowledge"');

const SeverityLevel = z.enum(SEVERITIES);
const ActionName = z.enum(ACTIONS);
const FlagName = z.enum(FLAGS);
const SourceName = z.enum(SOURCES);
const Day = z.enum(WEEKDAYS);
const Origin = z.enum(REPLY_ORIGINS);
const Money = z.number().min(0);

const TimeZone = z.string().refine(isValidTimeZone, {
  message: 'unknown time zone; use an IANA name such as "Europe/Berlin" or "UTC"',
});

/** Minutes after midnight, or null for a malformed time (already reported by its own field). */
function clockMinutes(clock: string): number | null {
  try {
    return parseClockTime(clock);
  } catch {
    return null;
  }
}

function ordered(from: string, to: string): boolean {
  const start = clockMinutes(from);
  const end = clockMinutes(to);
  return start === null || end === null || start < end;
}

const BusinessHoursFile = z
  .strictObject({
    days: z.array(Day).min(1),
    from: Clock,
    to: ClosingClock,
    holidays: z.array(IsoDate).default([]),
  })
  .refine((hours) => ordered(hours.from, hours.to), {
    message: '"to" must be after "from" (business hours cannot span midnight)',
    path: ['to'],
  });

const QuietHoursFile = z
  .strictObject({
    from: Clock,
    to: Clock,
    exceptSeverities: z.array(SeverityLevel).default([]),
  })
  .refine((quiet) => quiet.from !== quiet.to, {
    message: '"from" and "to" are equal, so quiet hours would be empty; remove quietHours instead',
    path: ['to'],
  });

const SLA_KINDS = ['minutes', 'businessMinutes', 'sameDay', 'workingDays'] as const;

const SlaFile = z
  .strictObject({
    minutes: z.int().positive().optional(),
    businessMinutes: z.int().positive().optional(),
    sameDay: z.literal(true).optional(),
    cutoff: Clock.optional(),
    workingDays: z.int().positive().optional(),
  })
  .superRefine((sla, ctx) => {
    const kinds = SLA_KINDS.filter((kind) => sla[kind] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `set exactly one of ${SLA_KINDS.join(', ')} (found ${kinds.length === 0 ? 'none' : kinds.join(', ')})`,
      });
    }
    if (sla.cutoff !== undefined && sla.sameDay === undefined) {
      ctx.addIssue({ code: 'custom', message: 'cutoff only applies to sameDay', path: ['cutoff'] });
    }
  });

const Bounds = z
  .strictObject({
    min: z.number().min(1).max(5).optional(),
    max: z.number().min(1).max(5).optional(),
  })
  .refine((bounds) => bounds.min !== undefined || bounds.max !== undefined, {
    message: 'set min, max or both',
  })
  .refine((bounds) => (bounds.min ?? 1) <= (bounds.max ?? 5), { message: 'min is above max' });

const ConfidenceBounds = z
  .strictObject({
    below: z.number().min(0).max(1).optional(),
    atLeast: z.number().min(0).max(1).optional(),
  })
  .refine((bounds) => bounds.below !== undefined || bounds.atLeast !== undefined, {
    message: 'set below, atLeast or both',
  });

const Conditions = z
  .strictObject({
    severity: z.array(SeverityLevel).min(1).optional(),
    category: z.array(Id).min(1).optional(),
    source: z.array(SourceName).min(1).optional(),
    flags: z
      .strictObject({
        any: z.array(FlagName).min(1).optional(),
        none: z.array(FlagName).min(1).optional(),
      })
      .refine((flags) => flags.any !== undefined || flags.none !== undefined, {
        message: 'set any, none or both',
      })
      .optional(),
    complaint: z.boolean().optional(),
    summoned: z.boolean().optional(),
    acknowledged: z.boolean().optional(),
    minFollowers: z.int().min(0).optional(),
    maxFollowers: z.int().min(0).optional(),
    verified: z.boolean().optional(),
    rating: Bounds.optional(),
    confidence: ConfidenceBounds.optional(),
  })
  .refine((when) => (when.minFollowers ?? 0) <= (when.maxFollowers ?? Number.POSITIVE_INFINITY), {
    message: 'minFollowers is above maxFollowers',
    path: ['maxFollowers'],
  });

const SENDING: readonly string[] = ['auto_reply', 'draft_for_approval', 'escalate_dm'];

const RuleFile = z
  .strictObject({
    id: Id,
    description: z.string().optional(),
    when: Conditions.default({}),
    then: ActionName,
    approval: z.enum(['required', 'auto', 'by-risk']).optional(),
    reason: ReasonCode.optional(),
  })
  .superRefine((rule, ctx) => {
    if (rule.approval !== undefined && !SENDING.includes(rule.then)) {
      ctx.addIssue({
        code: 'custom',
        message: `approval has no effect on ${rule.then}, which sends nothing; remove it`,
        path: ['approval'],
      });
    }
    if (rule.approval === 'auto' && rule.then === 'draft_for_approval') {
      ctx.addIssue({
        code: 'custom',
        message: 'draft_for_approval always waits for a person; approval: auto contradicts it',
        path: ['approval'],
      });
    }
  });

/** Shape of `rules/policy.yaml`; see rules/README.md for every field. */
export const PolicyFile = z.strictObject({
  version: z.union([
    z.int().min(1),
    z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected a version such as 3 or "2026.11"'),
  ]),
  timezone: TimeZone.default('UTC'),
  businessHours: BusinessHoursFile,
  quietHours: QuietHoursFile.optional(),
  sla: z.strictObject({ P0: SlaFile, P1: SlaFile, P2: SlaFile, P3: SlaFile }),
  acknowledgeWithinMinutes: z.int().positive(),
  notify: z.strictObject({
    minutesBefore: z.int().min(0),
    pageImmediately: z.array(SeverityLevel).default([]),
  }),
  approval: z.strictObject({
    severities: z.array(SeverityLevel).default([]),
    categories: z.array(Id).default([]),
    minConfidence: z.number().min(0).max(1),
    influentialFollowers: z.int().min(1).nullable(),
    verifiedNeedsApproval: z.boolean(),
    origins: z
      .array(Origin)
      .default(['edited', 'free-text', 'ai'])
      .refine((origins) => origins.includes('edited') && origins.includes('free-text'), {
        message: 'edited and free-text replies always wait for a person; list both',
      })
      .refine((origins) => !origins.includes('template'), {
        message: 'template is the origin that may go out automatically; remove it',
      }),
  }),
  safeAck: z
    .strictObject({
      enabled: z.boolean(),
      minutesBefore: z.int().min(0),
      severities: z.array(SeverityLevel).default(['P1', 'P2', 'P3']),
      skipWhen: z.array(ReasonCode).default([]),
    })
    .default({ enabled: false, minutesBefore: 10, severities: ['P1', 'P2', 'P3'], skipWhen: [] }),
  dm: z
    .strictObject({ whenUnavailable: z.enum(['draft_for_approval', 'escalate_human']) })
    .default({ whenUnavailable: 'draft_for_approval' }),
  gate: z.strictObject({
    aiRepliesApproved: z.boolean().default(false),
    dailyPostCap: z.int().min(0),
    dailySpendCapUsd: Money,
    costPerReplyUsd: Money.default(0.01),
    costPerPostWithUrlUsd: Money.default(0.2),
    costPerDmUsd: Money.default(0.015),
  }),
  replyWindowHours: z.number().positive().default(24),
  rules: z.array(RuleFile).min(1),
});
export type PolicyFile = z.infer<typeof PolicyFile>;

// --- conversion and cross-checks ---

export interface PolicyOptions {
  /** Category ids the classifier knows; when given, a policy naming any other category is an error. */
  categories?: readonly string[];
}

export interface PolicyCheck {
  ok: boolean;
  files: string[];
  errors: string[];
  /** `<file version>+<content hash>`, or null when the file is invalid. */
  version: string | null;
}

interface Validated {
  errors: string[];
  policy: Policy | null;
}

function slaTarget(sla: z.infer<typeof SlaFile>): SlaTarget {
  if (sla.minutes !== undefined) {
    return { kind: 'minutes', minutes: sla.minutes };
  }
  if (sla.businessMinutes !== undefined) {
    return { kind: 'business-minutes', minutes: sla.businessMinutes };
  }
  if (sla.workingDays !== undefined) {
    return { kind: 'working-days', days: sla.workingDays };
  }
  return { kind: 'same-day', cutoff: sla.cutoff ?? null };
}

function toRule(rule: z.infer<typeof RuleFile>): PolicyRule {
  return {
    id: rule.id,
    when: rule.when,
    then: rule.then,
    approval: rule.approval ?? 'by-risk',
    reason: rule.reason ?? rule.id,
  };
}

function versionOf(data: PolicyFile, text: string): string {
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  return `${data.version}+${hash}`;
}

function toPolicy(data: PolicyFile, text: string): Policy {
  const sla = {} as Record<Severity, SlaTarget>;
  for (const severity of SEVERITIES) {
    sla[severity] = slaTarget(data.sla[severity]);
  }
  return {
    version: versionOf(data, text),
    timezone: data.timezone,
    businessHours: data.businessHours,
    quietHours: data.quietHours ?? null,
    sla,
    acknowledgeWithinMinutes: data.acknowledgeWithinMinutes,
    notify: data.notify,
    approval: data.approval,
    safeAck: data.safeAck,
    dm: data.dm,
    gate: data.gate,
    replyWindowHours: data.replyWindowHours,
    rules: data.rules.map(toRule),
  };
}

function checkRules(data: PolicyFile, yaml: LocatedYaml, errors: string[]): void {
  const seen = new Map<string, number>();
  for (const [index, rule] of data.rules.entries()) {
    const first = seen.get(rule.id);
    if (first !== undefined) {
      errors.push(
        `${yaml.locate(['rules', index, 'id'])} — rules.${index}.id: duplicate rule id "${rule.id}" (first used by rules.${first})`,
      );
    } else {
      seen.set(rule.id, index);
    }
  }
  const last = data.rules.length - 1;
  for (const [index, rule] of data.rules.entries()) {
    if (index < last && isCatchAll(rule.when)) {
      errors.push(
        `${yaml.locate(['rules', index], true)} — rules.${index}: "${rule.id}" has no conditions, so the ${last - index} rule(s) after it can never match; move it to the end`,
      );
    }
  }
  const final = data.rules[last];
  if (final !== undefined && !isCatchAll(final.when)) {
    errors.push(
      `${yaml.locate(['rules', last], true)} — rules.${last}: the last rule must be a catch-all (\`when: {}\`), so every mention gets a decision; "${final.id}" has conditions`,
    );
  }
}

function checkCategories(
  data: PolicyFile,
  yaml: LocatedYaml,
  known: readonly string[],
  errors: string[],
): void {
  const unknown = (path: (string | number)[], category: string): void => {
    errors.push(
      `${yaml.locate(path)} — ${path.join('.')}: unknown category "${category}" (known: ${known.join(', ')})`,
    );
  };
  for (const [index, category] of data.approval.categories.entries()) {
    if (!known.includes(category)) {
      unknown(['approval', 'categories', index], category);
    }
  }
  for (const [ruleIndex, rule] of data.rules.entries()) {
    for (const [index, category] of (rule.when.category ?? []).entries()) {
      if (!known.includes(category)) {
        unknown(['rules', ruleIndex, 'when', 'category', index], category);
      }
    }
  }
}

function validate(text: string, file: string, options: PolicyOptions): Validated {
  const yaml = parseYamlWithLines(file, text);
  if (yaml.syntaxErrors.length > 0) {
    return { errors: yaml.syntaxErrors, policy: null };
  }
  const result = PolicyFile.safeParse(yaml.value);
  if (!result.success) {
    return { errors: formatIssues(yaml, result.error.issues), policy: null };
  }
  const errors: string[] = [];
  checkRules(result.data, yaml, errors);
  if (options.categories !== undefined) {
    checkCategories(result.data, yaml, options.categories, errors);
  }
  if (errors.length > 0) {
    return { errors, policy: null };
  }
  return { errors, policy: toPolicy(result.data, text) };
}

function invalid(where: string, errors: string[]): ConfigError {
  return new ConfigError(`Invalid policy in ${where}:\n${errors.join('\n')}`, 'rules-invalid');
}

/**
 * Validates policy YAML `text` as if read from `file` (used in messages). Throws `ConfigError` (code
 * 'rules-invalid') listing every problem as `file:line:col — path: message`.
 */
export function parsePolicy(text: string, file: string, options: PolicyOptions = {}): Policy {
  const validated = validate(text, file, options);
  if (validated.policy === null) {
    throw invalid(file, validated.errors);
  }
  return validated.policy;
}

function readPolicy(dir: string): { path: string; text: string } | { path: string; error: string } {
  const path = join(dir, POLICY_FILE);
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (error) {
    return { path, error: `${path}: cannot read (${(error as Error).message})` };
  }
}

/** Loads `<dir>/policy.yaml`; throws `ConfigError` ('rules-invalid') with `file:line:col` messages. */
export function loadPolicy(dir: string, options: PolicyOptions = {}): Policy {
  const read = readPolicy(dir);
  if ('error' in read) {
    throw invalid(read.path, [read.error]);
  }
  return parsePolicy(read.text, read.path, options);
}

/** Validates `<dir>/policy.yaml` without throwing; for `earshot rules check` and CI. */
export function checkPolicyFile(dir: string, options: PolicyOptions = {}): PolicyCheck {
  const read = readPolicy(dir);
  if ('error' in read) {
    return { ok: false, files: [], errors: [read.error], version: null };
  }
  const validated = validate(read.text, read.path, options);
  return {
    ok: validated.policy !== null,
    files: [POLICY_FILE],
    errors: validated.errors,
    version: validated.policy?.version ?? null,
  };
}
