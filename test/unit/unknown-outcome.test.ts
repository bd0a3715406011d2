import { describe, expect, it } from 'vitest';
import {
  CLOCK_MARGIN_MS,
  decideUnknownOutcome,
  sameReplyText,
} from '../../src/core/unknown-outcome.js';

const since = new Date('2026-11-22T10:00:00.000Z');
const text = 'Sorry, Sam & team: we are on it. Status: https://status.acme.test/incidents/42';

function shown(replyText: string, at: Date | null = new Date('2026-11-22T10:00:01.000Z')) {
  return { platformId: 'r-1', text: replyText, at };
}

describe('sameReplyText', () => {
  it.each([
    ['identical', text, true],
    [
      'as X shows it: & escaped, link wrapped in t.co',
      'Sorry, Sam &amp; team: we are on it. Status: https://t.co/AbC123',
      true,
    ],
    [
      'whitespace folded and trimmed',
      `  Sorry, Sam &   team:\nwe are on it. Status: https://status.acme.test/incidents/42 `,
      true,
    ],
    ['another text', 'Hi Sam, Ana here: a fix ships this week.', false],
    ['our text with a word changed', text.replace('on it', 'onto it'), false],
  ])('%s', (_name, other, expected) => {
    expect(sameReplyText(other, text)).toBe(expected);
  });
});

describe('decideUnknownOutcome', () => {
  it('records our text found on the platform as posted, at the time the platform gives', () => {
    const at = new Date('2026-11-22T10:00:02.000Z');
    for (const replyReplaces of [true, false]) {
      expect(decideUnknownOutcome({ shown: shown(text, at), text, since, replyReplaces })).toEqual({
        kind: 'posted',
        platformId: 'r-1',
        at,
      });
    }
  });

  it('sends again where a reply replaces and nothing is shown', () => {
    expect(decideUnknownOutcome({ shown: null, text, since, replyReplaces: true })).toEqual({
      kind: 'send-again',
    });
  });

  it('sends again where a reply replaces and only a reply from well before the attempt is shown', () => {
    const old = new Date(since.getTime() - CLOCK_MARGIN_MS - 1000);
    expect(
      decideUnknownOutcome({
        shown: shown('Thanks for the review!', old),
        text,
        since,
        replyReplaces: true,
      }),
    ).toEqual({ kind: 'send-again' });
  });

  it.each([
    ['written after the attempt began', new Date('2026-11-22T10:00:30.000Z')],
    ['written just before it (within the clock margin)', new Date(since.getTime() - 30_000)],
    ['of unknown time', null],
  ])('asks a person when another reply %s is shown, even where a reply replaces', (_name, at) => {
    const decision = decideUnknownOutcome({
      shown: shown('Hi Sam, Ana here: a fix ships this week.', at),
      text,
      since,
      replyReplaces: true,
    });
    expect(decision.kind).toBe('ask-person');
    expect(decision.kind === 'ask-person' && decision.detail).toContain(
      'the platform shows another reply from the brand ("Hi Sam, Ana here: a fix ships this week."',
    );
  });

  it('asks a person when X shows no reply: absence in search is no proof, and X does not replace replies', () => {
    const decision = decideUnknownOutcome({ shown: null, text, since, replyReplaces: false });
    expect(decision).toEqual({
      kind: 'ask-person',
      detail:
        'nothing from the brand since 2026-11-22T10:00:00.000Z was found there, but the earlier attempt may still show up: check the thread or conversation before replying by hand',
    });
  });

  it('asks a person when X shows another reply from the brand', () => {
    const decision = decideUnknownOutcome({
      shown: shown('x'.repeat(200)),
      text,
      since,
      replyReplaces: false,
    });
    expect(decision.kind === 'ask-person' && decision.detail).toContain(`"${'x'.repeat(79)}…"`);
  });
});
