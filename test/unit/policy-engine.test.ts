import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/config/policy.js';
import { evaluatePolicy } from '../../src/core/policy/evaluate.js';
import type { Policy, PolicyInput, PolicyRule, ReplyOrigin } from '../../src/core/policy/types.js';
import type { Classification, Flag, Mention, Severity, SourceId } from '../../src/core/types.js';

const SHIPPED = loadPolicy(fileURLToPath(new URL('../../rules', import.meta.url)));

// 2026-11-18 is a Wednesday; the shipped policy works Mon–Fri 09:00–18:00 UTC, quiet 22:00–07:00.
const NOW = '2026-11-18T10:00:00.000Z';
const POSTED = '2026-11-18T09:50:00.000Z';

interface Case {
  source?: SourceId;
  summoned?: boolean;
  complaint?: boolean;
  severity?: Severity | null;
  category?: string | null;
  flags?: Flag[];
  confidence?: number;
  followers?: number | null;
  verified?: boolean;
  text?: string;
  createdAt?: string;
  now?: string;
  acknowledged?: boolean;
  optedOut?: boolean;
  dmAvailable?: boolean;
  origin?: ReplyOrigin;
  rating?: number | null;
  details?: Record<string, string>;
  policy?: Policy;
}

function mention(c: Case): Mention {
  return {
    source: c.source ?? 'x-mentions',
    id: '1860000000000000001',
    text: c.text ?? '@acme my parcel is a week late',
    lang: 'en',
    author: {
      id: '42',
      username: 'sam',
      name: 'Sam',
      followersCount: c.followers === undefined ? 120 : c.followers,
      verified: c.verified ?? false,
    },
    createdAt: c.createdAt ?? POSTED,
    conversationId: '1860000000000000001',
    inReplyToId: null,
    mentionsBrand: c.summoned ?? true,
    url: null,
    ...(c.details === undefined ? {} : { details: c.details }),
  };
}

function classification(c: Case): Classification {
  const complaint = c.complaint ?? true;
  return {
    complaint,
    confidence: c.confidence ?? 0.9,
    sentiment: complaint ? -0.6 : 0.4,
    category: c.category === undefined ? (complaint ? 'delivery' : null) : c.category,
    severity: c.severity === undefined ? (complaint ? 'P2' : null) : c.severity,
    flags: c.flags ?? [],
    reasons: [],
    classifierVersion: 'test',
  };
}

function input(c: Case): PolicyInput {
  return {
    mention: mention(c),
    classification: classification(c),
    caseContext: { acknowledged: c.acknowledged ?? false, optedOut: c.optedOut ?? false },
    policy: c.policy ?? SHIPPED,
    now: new Date(c.now ?? NOW),
    dmAvailable: c.dmAvailable ?? true,
    origin: c.origin,
    rating: c.rating,
  };
}

function withRules(rules: PolicyRule[], base: Policy = SHIPPED): Policy {
  return { ...base, rules };
}

function rule(overrides: Partial<PolicyRule>): PolicyRule {
  return {
    id: 'test',
    when: {},
    then: 'auto_reply',
    approval: 'by-risk',
    reason: 'test',
    ...overrides,
  };
}

const WITHOUT_COMPLAINT_RULE = withRules(
  SHIPPED.rules.filter((candidate) => candidate.id !== 'acknowledge-complaints'),
);

describe('evaluatePolicy: the shipped rules choose each action', () => {
  it.each`
    case                                         | facts                                                                             | action                  | reason                          | ruleId
    ${'a plain "stop"'}                          | ${{ complaint: false, flags: ['opt_out'], text: '@acme stop' }}                   | ${'ignore'}             | ${'author-opted-out'}           | ${'opt-out'}
    ${'"stop" on an urgent complaint'}           | ${{ severity: 'P1', flags: ['opt_out'] }}                                         | ${'escalate_human'}     | ${'opted-out-urgent-complaint'} | ${'opt-out-urgent'}
    ${'a keyword-search complaint'}              | ${{ source: 'x-search', summoned: false }}                                        | ${'escalate_human'}     | ${'keyword-hit-needs-person'}   | ${'keyword-hit'}
    ${'a keyword-search question'}               | ${{ source: 'x-search', summoned: false, complaint: false, flags: ['question'] }} | ${'escalate_human'}     | ${'keyword-hit-needs-person'}   | ${'keyword-hit'}
    ${'keyword-search chatter'}                  | ${{ source: 'x-search', summoned: false, complaint: false }}                      | ${'escalate_human'}     | ${'keyword-hit-needs-person'}   | ${'keyword-hit'}
    ${'a thread reply that does not summon us'}  | ${{ summoned: false }}                                                            | ${'escalate_human'}     | ${'not-summoned-needs-person'}  | ${'not-summoned-complaint'}
    ${'abuse'}                                   | ${{ flags: ['abusive'] }}                                                         | ${'escalate_human'}     | ${'classifier-escalation'}      | ${'classifier-escalation'}
    ${'the classifier asks for a person'}        | ${{ severity: 'P0', category: 'safety', flags: ['escalate_human'] }}              | ${'escalate_human'}     | ${'classifier-escalation'}      | ${'classifier-escalation'}
    ${'a complaint in an acknowledged case'}     | ${{ acknowledged: true }}                                                         | ${'escalate_human'}     | ${'follow-up-needs-person'}     | ${'follow-up'}
    ${'a question'}                              | ${{ complaint: false, flags: ['question'] }}                                      | ${'escalate_human'}     | ${'question-needs-person'}      | ${'question'}
    ${'praise'}                                  | ${{ complaint: false, flags: ['praise'] }}                                        | ${'ignore'}             | ${'not-a-complaint'}            | ${'not-a-complaint'}
    ${'private data, DMs open'}                  | ${{ flags: ['private_data'] }}                                                    | ${'escalate_dm'}        | ${'private-data-to-dm'}         | ${'private-data-to-dm'}
    ${'a billing complaint, DMs open'}           | ${{ category: 'billing' }}                                                        | ${'escalate_dm'}        | ${'account-matters-to-dm'}      | ${'account-matters-to-dm'}
    ${'an account complaint, DMs closed'}        | ${{ category: 'account', dmAvailable: false }}                                    | ${'draft_for_approval'} | ${'dm-unavailable'}             | ${'account-matters-to-dm'}
    ${'a 1-star bug review'}                     | ${{ source: 'app-store', category: 'outage', rating: 1 }}                         | ${'auto_reply'}         | ${'store-low-rating-bugs'}      | ${'store-low-rating-bugs'}
    ${'a 4-star bug review'}                     | ${{ source: 'google-play', category: 'outage', rating: 4 }}                       | ${'draft_for_approval'} | ${'store-review-draft'}         | ${'store-reviews'}
    ${'a bug review without a rating'}           | ${{ source: 'app-store', category: 'outage' }}                                    | ${'draft_for_approval'} | ${'store-review-draft'}         | ${'store-reviews'}
    ${'an ordinary @mention complaint'}          | ${{}}                                                                             | ${'auto_reply'}         | ${'complaint-acknowledge'}      | ${'acknowledge-complaints'}
    ${'a complaint older than the reply window'} | ${{ createdAt: '2026-11-17T09:00:00.000Z' }}                                      | ${'escalate_human'}     | ${'too-old-for-auto-reply'}     | ${'builtin:reply-window'}
    ${'nothing matches but the catch-all'}       | ${{ policy: WITHOUT_COMPLAINT_RULE }}                                             | ${'escalate_human'}     | ${'no-rule-matched'}            | ${'catch-all'}
  `('$case → $action ($reason)', ({ facts, action, reason, ruleId }) => {
    const given = input(facts as Case);

    const decision = evaluatePolicy(given);

    expect(decision.action).toBe(action);
    expect(decision.reason).toBe(reason);
    expect(decision.ruleId).toBe(ruleId);
    expect(decision.ruleVersion).toBe(SHIPPED.version);
  });
});

describe('evaluatePolicy: approval by risk', () => {
  it.each`
    case                                    | facts                                                                     | reasons
    ${'a P2 templated acknowledgment'}      | ${{}}                                                                     | ${[]}
    ${'P0'}                                 | ${{ severity: 'P0' }}                                                     | ${['severity-p0']}
    ${'P1'}                                 | ${{ severity: 'P1' }}                                                     | ${['severity-p1']}
    ${'P3'}                                 | ${{ severity: 'P3' }}                                                     | ${[]}
    ${'legal'}                              | ${{ category: 'legal' }}                                                  | ${['category-legal']}
    ${'safety'}                             | ${{ category: 'safety' }}                                                 | ${['category-safety']}
    ${'privacy'}                            | ${{ category: 'privacy' }}                                                | ${['category-privacy']}
    ${'low classifier confidence'}          | ${{ confidence: 0.69 }}                                                   | ${['low-confidence']}
    ${'confidence exactly at the bar'}      | ${{ confidence: 0.7 }}                                                    | ${[]}
    ${'an influential author'}              | ${{ followers: 10_000 }}                                                  | ${['influential-author']}
    ${'just below influential'}             | ${{ followers: 9_999 }}                                                   | ${[]}
    ${'unknown follower count'}             | ${{ followers: null }}                                                    | ${[]}
    ${'a verified author'}                  | ${{ verified: true }}                                                     | ${['verified-author']}
    ${'an edited reply'}                    | ${{ origin: 'edited' }}                                                   | ${['origin-edited']}
    ${'a free-text reply'}                  | ${{ origin: 'free-text' }}                                                | ${['origin-free-text']}
    ${'an AI-written reply'}                | ${{ origin: 'ai' }}                                                       | ${['origin-ai']}
    ${'an author who opted out earlier'}    | ${{ optedOut: true }}                                                     | ${['author-opted-out']}
    ${'several at once, in a stable order'} | ${{ severity: 'P1', category: 'legal', confidence: 0.5, verified: true }} | ${['severity-p1', 'category-legal', 'low-confidence', 'verified-author']}
  `('$case → $reasons', ({ facts, reasons }) => {
    const given = input(facts as Case);

    const decision = evaluatePolicy(given);

    expect(decision.approvalReasons).toEqual(reasons);
    expect(decision.requiresApproval).toBe((reasons as string[]).length > 0);
    expect(decision.action).toBe(
      (reasons as string[]).length > 0 ? 'draft_for_approval' : 'auto_reply',
    );
  });

  it.each`
    case                                         | rules                                     | facts                                 | action                  | reasons
    ${'approval: required'}                      | ${[rule({ approval: 'required' })]}       | ${{}}                                 | ${'draft_for_approval'} | ${['rule-requires-approval']}
    ${'approval: auto skips the risk checks'}    | ${[rule({ approval: 'auto' })]}           | ${{ severity: 'P0', verified: true }} | ${'auto_reply'}         | ${[]}
    ${'approval: auto still stops edited text'}  | ${[rule({ approval: 'auto' })]}           | ${{ origin: 'edited' }}               | ${'draft_for_approval'} | ${['origin-edited']}
    ${'a second acknowledgment in a case'}       | ${[rule({ approval: 'auto' })]}           | ${{ acknowledged: true }}             | ${'draft_for_approval'} | ${['already-acknowledged']}
    ${'draft_for_approval lists the risks too'}  | ${[rule({ then: 'draft_for_approval' })]} | ${{ severity: 'P1' }}                 | ${'draft_for_approval'} | ${['rule-requires-approval', 'severity-p1']}
    ${'escalate_dm by risk keeps its action'}    | ${[rule({ then: 'escalate_dm' })]}        | ${{ severity: 'P1' }}                 | ${'escalate_dm'}        | ${['severity-p1']}
    ${'escalate_human sends nothing to approve'} | ${[rule({ then: 'escalate_human' })]}     | ${{ severity: 'P0' }}                 | ${'escalate_human'}     | ${[]}
  `('$case', ({ rules, facts, action, reasons }) => {
    const given = input({ ...(facts as Case), policy: withRules(rules as PolicyRule[]) });

    const decision = evaluatePolicy(given);

    expect(decision.action).toBe(action);
    expect(decision.approvalReasons).toEqual(reasons);
  });
});

describe('evaluatePolicy: built-in routes no rule file can switch off', () => {
  it.each`
    case                                          | rules                                     | facts                                         | action              | reason
    ${'auto-reply to a keyword hit'}              | ${[rule({})]}                             | ${{ source: 'x-search', summoned: false }}    | ${'escalate_human'} | ${'not-summoned-needs-person'}
    ${'a draft to a post that did not summon us'} | ${[rule({ then: 'draft_for_approval' })]} | ${{ summoned: false }}                        | ${'escalate_human'} | ${'not-summoned-needs-person'}
    ${'a store review needs no summons'}          | ${[rule({ approval: 'auto' })]}           | ${{ source: 'google-play', summoned: false }} | ${'auto_reply'}     | ${'test'}
  `('$case → $action', ({ rules, facts, action, reason }) => {
    const given = input({ ...(facts as Case), policy: withRules(rules as PolicyRule[]) });

    const decision = evaluatePolicy(given);

    expect(decision.action).toBe(action);
    expect(decision.reason).toBe(reason);
  });

  it('falls back to a person when a hand-built policy has no matching rule', () => {
    const given = input({ policy: withRules([rule({ when: { complaint: false } })]) });

    const decision = evaluatePolicy(given);

    expect(decision).toMatchObject({
      action: 'escalate_human',
      reason: 'no-rule-matched',
      ruleId: 'builtin:no-rule-matched',
    });
  });

  it('hands an escalate_dm without DMs to people when the policy says so', () => {
    const policy = { ...SHIPPED, dm: { whenUnavailable: 'escalate_human' as const } };
    const given = input({ category: 'billing', dmAvailable: false, policy });

    const decision = evaluatePolicy(given);

    expect(decision.action).toBe('escalate_human');
    expect(decision.reason).toBe('dm-unavailable');
    expect(decision.approvalReasons).toEqual([]);
  });
});

describe('evaluatePolicy: a store review someone already answered', () => {
  const autoReply = withRules([rule({ approval: 'auto' })]);

  it.each`
    case                               | source           | details
    ${'a Play Console reply'}          | ${'google-play'} | ${{ developerReply: 'Thanks, we are on it. – Ana' }}
    ${'an App Store Connect response'} | ${'app-store'}   | ${{ responseId: '6a1b2c3d', responseState: 'PUBLISHED' }}
  `('holds an automatic reply over $case for a person', ({ source, details }) => {
    const decision = evaluatePolicy(
      input({
        source: source as SourceId,
        details: details as Record<string, string>,
        policy: autoReply,
      }),
    );

    expect(decision.action).toBe('draft_for_approval');
    expect(decision.approvalReasons).toEqual(['existing-reply']);
    expect(decision.safeAckAt).toBeNull();
  });

  it('sends on its own when the review has no response yet', () => {
    const decision = evaluatePolicy(
      input({ source: 'google-play', details: { appVersion: '5.2.0' }, policy: autoReply }),
    );

    expect(decision.action).toBe('auto_reply');
    expect(decision.approvalReasons).toEqual([]);
  });

  it('does not call our own earlier reply someone else’s', () => {
    const decision = evaluatePolicy(
      input({
        source: 'google-play',
        details: { developerReply: 'Sorry about the crash — fixed in 5.2.1.' },
        acknowledged: true,
        policy: autoReply,
      }),
    );

    expect(decision.approvalReasons).toEqual(['already-acknowledged']);
  });

  it('sends no safe acknowledgment over a person’s reply even where safe acks are on', () => {
    const policy: Policy = {
      ...withRules([rule({ then: 'draft_for_approval' })]),
      safeAck: { enabled: true, minutesBefore: 10, severities: ['P1', 'P2', 'P3'], skipWhen: [] },
    };
    const base = { source: 'google-play' as const, policy };

    const without = evaluatePolicy(input(base));
    const withReply = evaluatePolicy(input({ ...base, details: { developerReply: 'On it.' } }));

    expect(without.safeAckAt).not.toBeNull();
    expect(withReply.safeAckAt).toBeNull();
  });
});

describe('evaluatePolicy: opting out and back in', () => {
  it.each`
    case                                        | facts                                                                  | authorOptOut | action
    ${'"stop" is recorded'}                     | ${{ complaint: false, flags: ['opt_out'], text: '@acme stop' }}        | ${'record'}  | ${'ignore'}
    ${'"start" after a stop clears it'}         | ${{ complaint: false, optedOut: true, text: '@acme start' }}           | ${'clear'}   | ${'ignore'}
    ${'"start" from someone who never stopped'} | ${{ complaint: false, text: '@acme start' }}                           | ${null}      | ${'ignore'}
    ${'a complaint from an opted-out author'}   | ${{ optedOut: true }}                                                  | ${null}      | ${'draft_for_approval'}
    ${'opting back in with a complaint'}        | ${{ optedOut: true, text: '@acme opt me back in, my parcel is late' }} | ${'clear'}   | ${'auto_reply'}
  `('$case', ({ facts, authorOptOut, action }) => {
    const given = input(facts as Case);

    const decision = evaluatePolicy(given);

    expect(decision.authorOptOut).toBe(authorOptOut);
    expect(decision.action).toBe(action);
  });
});

describe('evaluatePolicy: clocks', () => {
  it('gives an automatic P2 acknowledgment its 60 minutes and the same-day SLA to people', () => {
    const given = input({});

    const decision = evaluatePolicy(given);

    expect(decision).toMatchObject({
      action: 'auto_reply',
      acknowledgeBy: '2026-11-18T10:50:00.000Z',
      responseDeadline: '2026-11-18T18:00:00.000Z',
      deadline: '2026-11-18T10:50:00.000Z',
      notifyAt: '2026-11-18T17:45:00.000Z',
      pageNow: false,
      sendAfter: null,
      safeAckAt: null,
    });
  });

  it.each`
    case                                                 | timezone              | severity | createdAt                     | responseDeadline
    ${'P3 on a Wednesday: two working days'}             | ${'UTC'}              | ${'P3'}  | ${'2026-11-18T09:50:00.000Z'} | ${'2026-11-20T09:50:00.000Z'}
    ${'P3 on a Friday afternoon rolls over the weekend'} | ${'UTC'}              | ${'P3'}  | ${'2026-11-20T16:00:00.000Z'} | ${'2026-11-24T16:00:00.000Z'}
    ${'P2 on a Saturday: close of Monday'}               | ${'UTC'}              | ${'P2'}  | ${'2026-11-21T11:50:00.000Z'} | ${'2026-11-23T18:00:00.000Z'}
    ${'P2 after closing: close of the next day'}         | ${'UTC'}              | ${'P2'}  | ${'2026-11-18T19:00:00.000Z'} | ${'2026-11-19T18:00:00.000Z'}
    ${'P2 on a Berlin Saturday before DST starts'}       | ${'Europe/Berlin'}    | ${'P2'}  | ${'2026-03-28T12:00:00.000Z'} | ${'2026-03-30T16:00:00.000Z'}
    ${'P3 on a Berlin Friday, across the DST switch'}    | ${'Europe/Berlin'}    | ${'P3'}  | ${'2026-03-27T16:00:00.000Z'} | ${'2026-03-31T15:00:00.000Z'}
    ${'P2 on a New York Friday evening, across DST'}     | ${'America/New_York'} | ${'P2'}  | ${'2026-03-06T23:30:00.000Z'} | ${'2026-03-09T22:00:00.000Z'}
    ${'P0: 15 wall-clock minutes, even on a Sunday'}     | ${'UTC'}              | ${'P0'}  | ${'2026-11-22T03:00:00.000Z'} | ${'2026-11-22T03:15:00.000Z'}
    ${'P1: one wall-clock hour'}                         | ${'UTC'}              | ${'P1'}  | ${'2026-11-22T03:00:00.000Z'} | ${'2026-11-22T04:00:00.000Z'}
  `('$case', ({ timezone, severity, createdAt, responseDeadline }) => {
    const policy = { ...SHIPPED, timezone: timezone as string };
    const given = input({
      severity: severity as Severity,
      createdAt: createdAt as string,
      now: createdAt as string,
      policy,
    });

    const decision = evaluatePolicy(given);

    expect(decision.responseDeadline).toBe(responseDeadline);
  });

  it('pages at once for P0 and alerts people now when the deadline is closer than the notice', () => {
    const given = input({ severity: 'P0' });

    const decision = evaluatePolicy(given);

    expect(decision).toMatchObject({
      action: 'draft_for_approval',
      pageNow: true,
      responseDeadline: '2026-11-18T10:05:00.000Z',
      deadline: '2026-11-18T10:05:00.000Z',
      notifyAt: NOW,
      safeAckAt: null,
    });
  });

  it('pages for a P0 that goes straight to a person, who owes no public acknowledgment', () => {
    const given = input({ severity: 'P0', category: 'safety', flags: ['escalate_human'] });

    const decision = evaluatePolicy(given);

    expect(decision).toMatchObject({
      action: 'escalate_human',
      pageNow: true,
      acknowledgeBy: null,
      responseDeadline: '2026-11-18T10:05:00.000Z',
    });
  });

  it('pages at once for a P1 draft, alerts again before the earliest target, and allows a safe acknowledgment', () => {
    const given = input({ severity: 'P1' });

    const decision = evaluatePolicy(given);

    expect(decision).toMatchObject({
      action: 'draft_for_approval',
      acknowledgeBy: '2026-11-18T10:50:00.000Z',
      responseDeadline: '2026-11-18T10:50:00.000Z',
      notifyAt: '2026-11-18T10:35:00.000Z',
      safeAckAt: '2026-11-18T10:40:00.000Z',
      pageNow: true,
    });
  });

  it.each`
    case                                    | facts                                                                                          | safeAckAt
    ${'legal: no generic acknowledgment'}   | ${{ category: 'legal' }}                                                                       | ${null}
    ${'low confidence: maybe no complaint'} | ${{ confidence: 0.4 }}                                                                         | ${null}
    ${'a verified author'}                  | ${{ verified: true }}                                                                          | ${'2026-11-18T10:40:00.000Z'}
    ${'an opted-out author'}                | ${{ optedOut: true }}                                                                          | ${null}
    ${'safe acknowledgments turned off'}    | ${{ verified: true, policy: { ...SHIPPED, safeAck: { ...SHIPPED.safeAck, enabled: false } } }} | ${null}
  `('safe acknowledgment: $case', ({ facts, safeAckAt }) => {
    const given = input(facts as Case);

    const decision = evaluatePolicy(given);

    expect(decision.requiresApproval).toBe(true);
    expect(decision.safeAckAt).toBe(safeAckAt);
  });

  it('sets notifyAt before the deadline when there is time', () => {
    const given = input({ severity: 'P3' });

    const decision = evaluatePolicy(given);

    expect(decision.notifyAt).toBe('2026-11-20T09:35:00.000Z');
    expect(Date.parse(decision.notifyAt ?? '')).toBeLessThan(
      Date.parse(decision.responseDeadline ?? ''),
    );
  });

  it('owes nothing for an ignored mention', () => {
    const given = input({ complaint: false, flags: ['praise'] });

    const decision = evaluatePolicy(given);

    expect(decision).toMatchObject({
      deadline: null,
      acknowledgeBy: null,
      responseDeadline: null,
      notifyAt: null,
      pageNow: false,
      sendAfter: null,
      safeAckAt: null,
      requiresApproval: false,
    });
  });

  it.each`
    case                                               | facts                                                                                                                                          | sendAfter                     | acknowledgeBy
    ${'an automatic reply at 23:00 waits until 07:00'} | ${{ createdAt: '2026-11-18T22:50:00.000Z', now: '2026-11-18T23:00:00.000Z' }}                                                                  | ${'2026-11-19T07:00:00.000Z'} | ${'2026-11-19T08:00:00.000Z'}
    ${'after midnight it waits until 07:00 that day'}  | ${{ createdAt: '2026-11-19T02:00:00.000Z', now: '2026-11-19T02:05:00.000Z' }}                                                                  | ${'2026-11-19T07:00:00.000Z'} | ${'2026-11-19T08:00:00.000Z'}
    ${'an automatic DM notice waits too'}              | ${{ flags: ['private_data'], createdAt: '2026-11-18T22:50:00.000Z', now: '2026-11-18T23:00:00.000Z' }}                                         | ${'2026-11-19T07:00:00.000Z'} | ${'2026-11-19T08:00:00.000Z'}
    ${'a draft is not held: a person sends it'}        | ${{ severity: 'P1', createdAt: '2026-11-18T22:50:00.000Z', now: '2026-11-18T23:00:00.000Z' }}                                                  | ${null}                       | ${'2026-11-18T23:50:00.000Z'}
    ${'P1 is exempt when auto-approved'}               | ${{ severity: 'P1', createdAt: '2026-11-18T22:50:00.000Z', now: '2026-11-18T23:00:00.000Z', policy: withRules([rule({ approval: 'auto' })]) }} | ${null}                       | ${'2026-11-18T23:50:00.000Z'}
    ${'07:00 is no longer quiet'}                      | ${{ createdAt: '2026-11-19T06:55:00.000Z', now: '2026-11-19T07:00:00.000Z' }}                                                                  | ${null}                       | ${'2026-11-19T07:55:00.000Z'}
    ${'Berlin 23:00 CET before DST: 07:00 CEST'}       | ${{ createdAt: '2026-03-28T21:55:00.000Z', now: '2026-03-28T22:00:00.000Z', policy: { ...SHIPPED, timezone: 'Europe/Berlin' } }}               | ${'2026-03-29T05:00:00.000Z'} | ${'2026-03-29T06:00:00.000Z'}
  `('quiet hours: $case', ({ facts, sendAfter, acknowledgeBy }) => {
    const given = input(facts as Case);

    const decision = evaluatePolicy(given);

    expect(decision.sendAfter).toBe(sendAfter);
    expect(decision.acknowledgeBy).toBe(acknowledgeBy);
  });
});
