import { describe, expect, it } from 'vitest';
import { checkXGate, replyCostUsd } from '../../src/core/gate.js';
import type { XGateInput } from '../../src/core/gate.js';
import type { GateSettings } from '../../src/core/policy/types.js';

const GATE: GateSettings = {
  aiRepliesApproved: false,
  dailyPostCap: 100,
  dailySpendCapUsd: 1,
  costPerReplyUsd: 0.01,
  costPerPostWithUrlUsd: 0.2,
  costPerDmUsd: 0.015,
};

const TEXT = "Hi Sam, we're really sorry your parcel is late. We're looking into it now.";

function gateInput(overrides: Partial<XGateInput> = {}): XGateInput {
  return {
    mention: {
      source: 'x-mentions',
      mentionsBrand: true,
      author: { id: '42', username: 'sam', name: 'Sam', followersCount: 120, verified: false },
    },
    text: TEXT,
    automated: true,
    origin: 'template',
    optedOut: false,
    automatedRepliesInCase: 0,
    postsToday: 0,
    spendTodayUsd: 0,
    policy: { gate: GATE },
    ...overrides,
  };
}

function mentionFrom(
  source: XGateInput['mention']['source'],
  mentionsBrand: boolean,
): XGateInput['mention'] {
  return { ...gateInput().mention, source, mentionsBrand };
}

describe('checkXGate', () => {
  it('allows a templated automated reply to a summoning @mention', () => {
    const input = gateInput();

    const result = checkXGate(input);

    expect(result).toEqual({ allowed: true });
  });

  it.each`
    case                                           | overrides                                                                      | reason
    ${'an automated reply to a keyword hit'}       | ${{ mention: mentionFrom('x-search', false) }}                                 | ${'keyword-hit'}
    ${'a keyword hit that @mentions us'}           | ${{ mention: mentionFrom('x-search', true) }}                                  | ${'keyword-hit'}
    ${'a post that did not summon the brand'}      | ${{ mention: mentionFrom('x-mentions', false) }}                               | ${'not-summoned'}
    ${'a person replying to an unsummoned post'}   | ${{ mention: mentionFrom('x-mentions', false), automated: false }}             | ${'not-summoned'}
    ${'an author who said stop'}                   | ${{ optedOut: true }}                                                          | ${'opted-out'}
    ${'a second automated reply in the case'}      | ${{ automatedRepliesInCase: 1 }}                                               | ${'already-replied-automatically'}
    ${'edited text sent without a person'}         | ${{ origin: 'edited' }}                                                        | ${'needs-approval'}
    ${'free text sent without a person'}           | ${{ origin: 'free-text' }}                                                     | ${'needs-approval'}
    ${'a link in an automated reply'}              | ${{ text: `${TEXT} See https://status.acme.com` }}                             | ${'url-in-automated-reply'}
    ${'a bare domain in an automated reply'}       | ${{ text: `${TEXT} Check acme.com/help` }}                                     | ${'url-in-automated-reply'}
    ${'AI text without X approval'}                | ${{ origin: 'ai' }}                                                            | ${'ai-text-not-approved'}
    ${'AI text approved by a person, still not X'} | ${{ origin: 'ai', automated: false }}                                          | ${'ai-text-not-approved'}
    ${'281 weighted characters'}                   | ${{ text: 'a'.repeat(281) }}                                                   | ${'over-length'}
    ${'141 CJK characters (weight 2 each)'}        | ${{ text: '好'.repeat(141) }}                                                  | ${'over-length'}
    ${'the daily post cap reached'}                | ${{ postsToday: 100 }}                                                         | ${'daily-post-cap'}
    ${'a person posting at the cap'}               | ${{ postsToday: 100, automated: false }}                                       | ${'daily-post-cap'}
    ${'the daily spend cap'}                       | ${{ spendTodayUsd: 0.995 }}                                                    | ${'daily-spend-cap'}
    ${'a person’s link costs a URL post'}          | ${{ automated: false, text: `${TEXT} https://acme.com`, spendTodayUsd: 0.85 }} | ${'daily-spend-cap'}
  `('blocks $case: $reason', ({ overrides, reason }) => {
    const input = gateInput(overrides as Partial<XGateInput>);

    const result = checkXGate(input);

    expect(result.allowed).toBe(false);
    expect(result).toMatchObject({ reason });
    expect(result.allowed ? '' : result.detail).not.toBe('');
  });

  it.each`
    case                                                     | overrides
    ${'a person replying to someone who opted out'}          | ${{ automated: false, optedOut: true }}
    ${'a person’s second reply in a case'}                   | ${{ automated: false, automatedRepliesInCase: 1 }}
    ${'a person’s edited reply'}                             | ${{ automated: false, origin: 'edited' }}
    ${'a person’s reply with a link'}                        | ${{ automated: false, text: `${TEXT} https://acme.com/help` }}
    ${'a person replying to a keyword hit that mentions us'} | ${{ automated: false, mention: mentionFrom('x-search', true) }}
    ${'AI text once X approved the account'}                 | ${{ origin: 'ai', policy: { gate: { ...GATE, aiRepliesApproved: true } } }}
    ${'exactly 280 weighted characters'}                     | ${{ text: 'a'.repeat(280) }}
    ${'140 CJK characters'}                                  | ${{ text: '好'.repeat(140) }}
    ${'one post below the cap'}                              | ${{ postsToday: 99 }}
    ${'spend that reaches the cap exactly'}                  | ${{ spendTodayUsd: 0.99 }}
    ${'a store review (the X summons rule does not apply)'}  | ${{ mention: mentionFrom('app-store', false) }}
  `('allows $case', ({ overrides }) => {
    const input = gateInput(overrides as Partial<XGateInput>);

    const result = checkXGate(input);

    expect(result).toEqual({ allowed: true });
  });

  it('checks the summons before anything else', () => {
    const input = gateInput({
      mention: mentionFrom('x-mentions', false),
      optedOut: true,
      automatedRepliesInCase: 3,
      postsToday: 1000,
    });

    const result = checkXGate(input);

    expect(result).toMatchObject({ allowed: false, reason: 'not-summoned' });
  });
});

describe('replyCostUsd', () => {
  it.each`
    text                               | cost
    ${TEXT}                            | ${0.01}
    ${`${TEXT} https://acme.com/help`} | ${0.2}
    ${`${TEXT} www.acme.com`}          | ${0.2}
  `('$text costs $cost', ({ text, cost }) => {
    expect(replyCostUsd(text as string, GATE)).toBe(cost);
  });
});
