import { describe, expect, it } from 'vitest';
import { DEFAULT_REPLY_POLICY, decide, policyFromReplyPolicy } from '../../src/core/decide.js';
import type { Classification, Flag, Mention, Severity, SourceId } from '../../src/core/types.js';

const NOW = new Date('2026-11-21T12:00:00.000Z');

function mention(overrides: Partial<Mention> = {}): Mention {
  return {
    source: 'x-mentions',
    id: '1860000000000000001',
    text: '@acme my order never arrived',
    lang: 'en',
    author: { id: '42', username: 'sam', name: 'Sam', followersCount: 10, verified: false },
    createdAt: '2026-11-21T11:50:00.000Z',
    conversationId: '1860000000000000001',
    inReplyToId: null,
    mentionsBrand: true,
    url: null,
    ...overrides,
  };
}

function classification(
  complaint: boolean,
  severity: Severity | null,
  flags: Flag[] = [],
): Classification {
  return {
    complaint,
    confidence: 0.9,
    sentiment: complaint ? -0.5 : 0.5,
    category: complaint ? 'delivery' : null,
    severity,
    flags,
    reasons: [],
    classifierVersion: 'test',
  };
}

describe('decide', () => {
  it.each`
    case                                | source          | summoned | complaint | severity | flags                 | acknowledged | createdAt                     | action              | reason
    ${'@mention complaint'}             | ${'x-mentions'} | ${true}  | ${true}   | ${'P2'}  | ${[]}                 | ${false}     | ${'2026-11-21T11:50:00.000Z'} | ${'auto_reply'}     | ${'complaint-acknowledge'}
    ${'praise'}                         | ${'x-mentions'} | ${true}  | ${false}  | ${null}  | ${['praise']}         | ${false}     | ${'2026-11-21T11:50:00.000Z'} | ${'ignore'}         | ${'not-a-complaint'}
    ${'keyword-search hit'}             | ${'x-search'}   | ${false} | ${true}   | ${'P2'}  | ${[]}                 | ${false}     | ${'2026-11-21T11:50:00.000Z'} | ${'escalate_human'} | ${'keyword-hit-needs-person'}
    ${'timeline post not summoning us'} | ${'x-mentions'} | ${false} | ${true}   | ${'P2'}  | ${[]}                 | ${false}     | ${'2026-11-21T11:50:00.000Z'} | ${'escalate_human'} | ${'keyword-hit-needs-person'}
    ${'opt-out beats everything'}       | ${'x-mentions'} | ${true}  | ${true}   | ${'P1'}  | ${['opt_out']}        | ${false}     | ${'2026-11-21T11:50:00.000Z'} | ${'ignore'}         | ${'author-opted-out'}
    ${'follow-up in acknowledged case'} | ${'x-mentions'} | ${true}  | ${true}   | ${'P2'}  | ${[]}                 | ${true}      | ${'2026-11-21T11:50:00.000Z'} | ${'ignore'}         | ${'case-already-acknowledged'}
    ${'older than the reply window'}    | ${'x-mentions'} | ${true}  | ${true}   | ${'P2'}  | ${[]}                 | ${false}     | ${'2026-11-19T11:50:00.000Z'} | ${'escalate_human'} | ${'too-old-for-auto-reply'}
    ${'classifier asks for a person'}   | ${'x-mentions'} | ${true}  | ${true}   | ${'P0'}  | ${['escalate_human']} | ${false}     | ${'2026-11-21T11:50:00.000Z'} | ${'escalate_human'} | ${'classifier-escalation'}
    ${'abusive'}                        | ${'x-mentions'} | ${true}  | ${true}   | ${'P3'}  | ${['abusive']}        | ${false}     | ${'2026-11-21T11:50:00.000Z'} | ${'escalate_human'} | ${'classifier-escalation'}
  `(
    '$case → $action',
    ({ source, summoned, complaint, severity, flags, acknowledged, createdAt, action, reason }) => {
      const input = {
        mention: mention({
          source: source as SourceId,
          mentionsBrand: summoned as boolean,
          createdAt: createdAt as string,
        }),
        classification: classification(
          complaint as boolean,
          severity as Severity | null,
          flags as Flag[],
        ),
        caseContext: { acknowledged: acknowledged as boolean },
        policy: DEFAULT_REPLY_POLICY,
        now: NOW,
      };

      const decision = decide(input);

      expect(decision.action).toBe(action);
      expect(decision.reason).toBe(reason);
    },
  );

  it.each`
    severity | deadline
    ${'P0'}  | ${'2026-11-21T12:05:00.000Z'}
    ${'P1'}  | ${'2026-11-21T12:50:00.000Z'}
    ${'P2'}  | ${'2026-11-21T12:50:00.000Z'}
    ${'P3'}  | ${'2026-11-21T12:50:00.000Z'}
  `(
    'sets the first-response deadline for $severity: min(60 min, SLA)',
    ({ severity, deadline }) => {
      const decision = decide({
        mention: mention(),
        classification: classification(true, severity as Severity),
        caseContext: { acknowledged: false },
        policy: DEFAULT_REPLY_POLICY,
        now: NOW,
      });

      expect(decision.deadline).toBe(deadline);
    },
  );
});

describe('decide as an adapter over evaluatePolicy', () => {
  it.each`
    case                    | source          | summoned | complaint | flags          | acknowledged | ruleId
    ${'@mention complaint'} | ${'x-mentions'} | ${true}  | ${true}   | ${[]}          | ${false}     | ${'default:acknowledge-mention-complaints'}
    ${'opt-out'}            | ${'x-mentions'} | ${true}  | ${true}   | ${['opt_out']} | ${false}     | ${'gate:opt-out'}
    ${'keyword-search hit'} | ${'x-search'}   | ${false} | ${true}   | ${[]}          | ${false}     | ${'gate:not-summoned'}
    ${'praise'}             | ${'x-mentions'} | ${true}  | ${false}  | ${['praise']}  | ${false}     | ${'default:complaints-only'}
    ${'acknowledged case'}  | ${'x-mentions'} | ${true}  | ${true}   | ${[]}          | ${true}      | ${'gate:one-reply-per-interaction'}
    ${'abusive'}            | ${'x-mentions'} | ${true}  | ${true}   | ${['abusive']} | ${false}     | ${'default:classifier-escalation'}
  `(
    'keeps the rule id of $case',
    ({ source, summoned, complaint, flags, acknowledged, ruleId }) => {
      const input = {
        mention: mention({ source: source as SourceId, mentionsBrand: summoned as boolean }),
        classification: classification(
          complaint as boolean,
          complaint ? 'P2' : null,
          flags as Flag[],
        ),
        caseContext: { acknowledged: acknowledged as boolean },
        policy: DEFAULT_REPLY_POLICY,
        now: NOW,
      };

      const decision = decide(input);

      expect(decision.ruleId).toBe(ruleId);
    },
  );

  it('never asks for approval: every summoned, fresh complaint is acknowledged automatically', () => {
    const input = {
      mention: mention({
        author: {
          id: '1',
          username: 'big',
          name: 'Big',
          followersCount: 5_000_000,
          verified: true,
        },
      }),
      classification: { ...classification(true, 'P0'), confidence: 0.2, category: 'legal' },
      caseContext: { acknowledged: false },
      policy: DEFAULT_REPLY_POLICY,
      now: NOW,
    };

    const decision = decide(input);

    expect(decision.action).toBe('auto_reply');
  });

  it('maps a ReplyPolicy onto wall-clock SLAs', () => {
    const policy = policyFromReplyPolicy({ ...DEFAULT_REPLY_POLICY, version: 'v9' });

    expect(policy.version).toBe('v9');
    expect(policy.sla.P3).toEqual({ kind: 'minutes', minutes: 2880 });
    expect(policy.quietHours).toBeNull();
  });
});
