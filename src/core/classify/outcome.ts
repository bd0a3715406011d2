import type { ClassifierInput, Flag, Reason, Severity } from '../types.js';
import type { CompiledRules } from './compile.js';
import { NO_HITS } from './evidence.js';
import type { Scored } from './score.js';
import type { CategoryRule, EngagementRule, EscalationWhen } from './types.js';

const SEVERITY_RANK: Record<Severity, number> = { P0: 0, P1: 1, P2: 2, P3: 3 };
const SEVERITY_BY_RANK: readonly Severity[] = ['P0', 'P1', 'P2', 'P3'];

function isInfluential(compiled: CompiledRules, input: ClassifierInput): string | null {
  const settings = compiled.rules.severity;
  if (settings.verifiedIsInfluential && input.author?.verified === true) {
    return 'verified author';
  }
  const followers = input.author?.followersCount;
  if (typeof followers === 'number' && followers >= settings.influentialFollowers) {
    return `${followers} followers ≥ ${settings.influentialFollowers}`;
  }
  return null;
}

/** A complaint's severity: where its category starts, then caps, bumps, author and engagement floors. */
export function severityOf(
  compiled: CompiledRules,
  input: ClassifierInput,
  scored: Scored,
  category: CategoryRule | undefined,
  reasons: Reason[],
): Severity {
  const settings = compiled.rules.severity;
  const { hits } = scored.evidence;
  let rank = SEVERITY_RANK[category?.severity ?? settings.uncategorised];
  if (category === undefined) {
    reasons.push({
      field: 'severity',
      rule: 'severity:uncategorised',
      detail: `a complaint in no category starts at ${settings.uncategorised}`,
    });
  } else {
    reasons.push({
      field: 'severity',
      rule: `category:${category.id}`,
      detail: `${category.label} complaints start at ${category.severity}`,
    });
  }

  const suggestion = hits.suggestion[0];
  if (suggestion !== undefined && rank < SEVERITY_RANK[settings.suggestion]) {
    rank = SEVERITY_RANK[settings.suggestion];
    reasons.push({
      field: 'severity',
      rule: suggestion.target.ruleId,
      detail: `a suggestion ("${suggestion.text}"): at most ${settings.suggestion}`,
    });
  }

  // Caps first, then floors: "would be nice if it didn't catch fire" is still P0.
  for (const hit of hits.bump) {
    const atMost = settings.bumps[hit.target.index]?.atMost;
    if (atMost !== null && atMost !== undefined && rank < SEVERITY_RANK[atMost]) {
      rank = SEVERITY_RANK[atMost];
      reasons.push({
        field: 'severity',
        rule: hit.target.ruleId,
        detail: `matched "${hit.text}": at most ${atMost}`,
      });
    }
  }
  for (const hit of hits.bump) {
    const atLeast = settings.bumps[hit.target.index]?.atLeast;
    if (atLeast !== null && atLeast !== undefined && rank > SEVERITY_RANK[atLeast]) {
      rank = SEVERITY_RANK[atLeast];
      reasons.push({
        field: 'severity',
        rule: hit.target.ruleId,
        detail: `matched "${hit.text}": at least ${atLeast}`,
      });
    }
  }

  const influential = isInfluential(compiled, input);
  if (influential !== null && rank > SEVERITY_RANK[settings.influentialAuthor]) {
    rank = SEVERITY_RANK[settings.influentialAuthor];
    reasons.push({
      field: 'severity',
      rule: 'author:influential',
      detail: `${influential}: at least ${settings.influentialAuthor}`,
    });
  }

  const engagement = input.engagement;
  if (engagement !== undefined) {
    const floors: Array<[EngagementRule | null, number, string, string]> = [
      [settings.spreading, engagement.shares, 'engagement:spreading', 'shared'],
      [settings.growingThread, engagement.replies, 'engagement:growing-thread', 'replied to'],
    ];
    for (const [rule, count, id, verb] of floors) {
      const perHour = ratePerHour(count, engagement.ageMinutes);
      if (rule === null || count < rule.atLeast || perHour < rule.perHour) {
        continue;
      }
      if (rank > SEVERITY_RANK[rule.severity]) {
        rank = SEVERITY_RANK[rule.severity];
        reasons.push({
          field: 'severity',
          rule: id,
          detail: `${verb} ${count} times in ${Math.round(engagement.ageMinutes)} min (${Math.round(perHour)}/h ≥ ${rule.perHour}/h): at least ${rule.severity}`,
        });
      }
    }
  }
  return SEVERITY_BY_RANK[rank] ?? settings.uncategorised;
}

// A post counted in its first minutes would show absurd hourly rates (3 shares in 1 min = 180/h).
const MIN_RATE_WINDOW_MINUTES = 15;

function ratePerHour(count: number, ageMinutes: number): number {
  return (count * 60) / Math.max(MIN_RATE_WINDOW_MINUTES, ageMinutes);
}

export function addFlag(
  flags: Flag[],
  reasons: Reason[],
  flag: Flag,
  rule: string,
  detail: string,
): void {
  if (!flags.includes(flag)) {
    flags.push(flag);
  }
  reasons.push({ field: 'flag', rule, detail: `${flag}: ${detail}` });
}

export function flagsOf(
  compiled: CompiledRules,
  scored: Scored,
  thread: Scored | null,
  complaint: boolean,
  reasons: Reason[],
): Flag[] {
  const { evidence } = scored;
  const { hits } = evidence;
  const flags: Flag[] = [];

  for (const id of evidence.privateData) {
    addFlag(flags, reasons, 'private_data', `private-data:${id}`, 'personal details in the text');
  }
  for (const hit of hits['private-data']) {
    addFlag(flags, reasons, 'private_data', hit.target.ruleId, `matched "${hit.text}"`);
  }
  for (const hit of thread?.evidence.hits['private-data'] ?? NO_HITS) {
    addFlag(
      flags,
      reasons,
      'private_data',
      hit.target.ruleId,
      `the thread asks for or holds personal details ("${hit.text}")`,
    );
  }

  if (evidence.optOutMessage) {
    addFlag(flags, reasons, 'opt_out', 'opt-out:message', 'the whole message asks to stop');
  }
  for (const hit of hits['opt-out']) {
    addFlag(flags, reasons, 'opt_out', hit.target.ruleId, `matched "${hit.text}"`);
  }
  for (const hit of hits.abusive) {
    addFlag(flags, reasons, 'abusive', hit.target.ruleId, `matched "${hit.text}"`);
  }

  const sarcasmHit = hits.sarcasm[0];
  if (sarcasmHit !== undefined) {
    addFlag(
      flags,
      reasons,
      'sarcasm_suspected',
      sarcasmHit.target.ruleId,
      `matched "${sarcasmHit.text}"`,
    );
  } else if (evidence.sarcasticWords !== null) {
    addFlag(
      flags,
      reasons,
      'sarcasm_suspected',
      'sarcasm:positive-word-with-complaint',
      `"${evidence.sarcasticWords}" next to complaint words`,
    );
  }

  if (evidence.question) {
    addFlag(flags, reasons, 'question', 'score:question', 'asks something');
  }

  if (!complaint && !scored.sarcasm) {
    const praise = hits.praise.find((hit) => hit.sign > 0);
    const valence = evidence.positive - evidence.negative;
    if (praise !== undefined) {
      addFlag(flags, reasons, 'praise', praise.target.ruleId, `matched "${praise.text}"`);
    } else if (valence >= compiled.rules.scoring.praiseMinSentiment) {
      addFlag(flags, reasons, 'praise', 'lexicon:positive-words', 'clearly positive words');
    }
  }
  return flags;
}

export interface Outcome {
  complaint: boolean;
  severity: Severity | null;
  category: string | null;
  flags: Flag[];
}

function describe(when: EscalationWhen, matched: string | undefined): string {
  const parts: string[] = [];
  if (when.complaint !== null) {
    parts.push(when.complaint ? 'a complaint' : 'not a complaint');
  }
  if (when.severity.length > 0) {
    parts.push(`severity ${when.severity.join('/')}`);
  }
  if (when.categories.length > 0) {
    parts.push(`category ${when.categories.join('/')}`);
  }
  if (when.flags.length > 0) {
    parts.push(`flag ${when.flags.join('/')}`);
  }
  if (matched !== undefined) {
    parts.push(`matched "${matched}"`);
  }
  return parts.join(', ');
}

function triggerHolds(
  compiled: CompiledRules,
  index: number,
  outcome: Outcome,
  matched: boolean,
): boolean {
  const trigger = compiled.rules.escalation[index];
  const hasMatch = compiled.escalationHasMatch[index] === true;
  if (trigger === undefined) {
    return false;
  }
  const { when } = trigger;
  const empty =
    when.complaint === null &&
    when.severity.length === 0 &&
    when.categories.length === 0 &&
    when.flags.length === 0 &&
    !hasMatch;
  if (empty) {
    return false;
  }
  if (when.complaint !== null && when.complaint !== outcome.complaint) {
    return false;
  }
  if (
    when.severity.length > 0 &&
    (outcome.severity === null || !when.severity.includes(outcome.severity))
  ) {
    return false;
  }
  if (
    when.categories.length > 0 &&
    (outcome.category === null || !when.categories.includes(outcome.category))
  ) {
    return false;
  }
  if (when.flags.length > 0 && !when.flags.some((flag) => outcome.flags.includes(flag))) {
    return false;
  }
  return !hasMatch || matched;
}

export function escalate(
  compiled: CompiledRules,
  scored: Scored,
  outcome: Outcome,
  reasons: Reason[],
): void {
  const { escalation } = scored.evidence.hits;
  // Flags raised by earlier triggers are visible to later ones, in file order.
  for (const [index, trigger] of compiled.rules.escalation.entries()) {
    let matched: string | undefined;
    for (const hit of escalation) {
      if (hit.target.index === index) {
        matched = hit.text;
        break;
      }
    }
    if (triggerHolds(compiled, index, outcome, matched !== undefined)) {
      addFlag(
        outcome.flags,
        reasons,
        trigger.flag,
        `escalation:${trigger.id}`,
        describe(trigger.when, matched),
      );
    }
  }
}
