import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../src/errors.js';
import type { NotifyEvent } from '../../src/responders/notify/types.js';
import { createSlackNotifier } from '../../src/responders/slack/index.js';
import { escapeSlack, escapeWithin, slackMessage } from '../../src/responders/slack/payload.js';

function event(overrides: Partial<NotifyEvent> = {}): NotifyEvent {
  return {
    id: 'page-x-1860000000000000001',
    kind: 'page',
    caseId: 'x-1860000000000000001',
    severity: 'P0',
    category: 'safety',
    deadline: '2026-11-20T10:15:00.000Z',
    summary: 'P0 safety complaint from @sam: "the charger started smoking"',
    text: '@acme the charger started smoking on my desk',
    author: { username: 'sam', name: 'Sam Lee', followersCount: 1240, verified: false },
    source: 'x-mentions',
    link: 'https://desk.example.com/cases/x-1860000000000000001',
    postUrl: 'https://x.com/sam/status/1860000000000000001',
    at: '2026-11-20T10:00:00.000Z',
    ...overrides,
  };
}

describe('slackMessage', () => {
  it('builds a header, summary, quoted post, fields, buttons and a context line', () => {
    const message = slackMessage(event());

    expect(message).toEqual({
      text: '[P0] Page: a person is needed now: P0 safety complaint from @sam: "the charger started smoking"',
      unfurl_links: false,
      unfurl_media: false,
      blocks: [
        {
          type: 'header',
          text: { type: 'plain_text', text: 'P0 · Page: a person is needed now', emoji: false },
        },
        {
          type: 'section',
          text: {
            type: 'plain_text',
            text: 'P0 safety complaint from @sam: "the charger started smoking"',
            emoji: false,
          },
        },
        {
          type: 'section',
          text: {
            type: 'plain_text',
            text: '@acme the charger started smoking on my desk',
            emoji: false,
          },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Severity*\nP0', verbatim: true },
            { type: 'mrkdwn', text: '*Category*\nsafety', verbatim: true },
            {
              type: 'mrkdwn',
              text: '*Deadline*\n<!date^1795169700^{date_short_pretty} {time}|2026-11-20T10:15:00.000Z>',
              verbatim: true,
            },
            {
              type: 'mrkdwn',
              text: '*Author*\n@sam · Sam Lee · 1,240 followers',
              verbatim: true,
            },
            { type: 'mrkdwn', text: '*Source*\nX mention', verbatim: true },
            { type: 'mrkdwn', text: '*Case*\nx-1860000000000000001', verbatim: true },
          ],
        },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Open case' },
              url: 'https://desk.example.com/cases/x-1860000000000000001',
              style: 'primary',
              action_id: 'earshot-open-case',
            },
            {
              type: 'button',
              text: { type: 'plain_text', text: 'View post' },
              url: 'https://x.com/sam/status/1860000000000000001',
              action_id: 'earshot-view-post',
            },
          ],
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: 'earshot · page-x-1860000000000000001 · <!date^1795168800^{date_short_pretty} {time}|2026-11-20T10:00:00.000Z>',
              verbatim: true,
            },
          ],
        },
      ],
    });
  });

  it('makes mentions, links and formatting in untrusted text inert', () => {
    const hostile = '<!channel> <https://evil|click> & *bold*';

    const message = slackMessage(
      event({
        text: hostile,
        summary: `P1 complaint from @sam: "${hostile}"`,
        category: '<!here>',
        author: {
          username: 'sam<@U123>',
          name: '<!everyone> *Sam*',
          followersCount: null,
          verified: true,
        },
        caseId: 'x-1<!subteam^S1>',
        id: 'page-<!channel>',
      }),
    );
    const json = JSON.stringify(message);

    expect(message.blocks[2]).toEqual({
      type: 'section',
      text: {
        type: 'plain_text',
        text: '&lt;!channel&gt; &lt;https://evil|click&gt; &amp; *bold*',
        emoji: false,
      },
    });
    expect(json.match(/<[^<]{0,8}/g)).toEqual(['<!date^17', '<!date^17']);
    expect(json).not.toContain('<!channel');
    expect(json).not.toContain('<https://evil');
    expect(message.text).toContain('&lt;!channel&gt;');
    expect(JSON.stringify(message.blocks[3])).toContain(
      '*Author*\\n@sam&lt;@U123&gt; · &lt;!everyone&gt; *Sam* · verified',
    );
  });

  it('keeps every mrkdwn text object verbatim so Slack does not auto-link', () => {
    const message = slackMessage(event({ text: 'see https://evil.example #general @here' }));

    const mrkdwnTexts = JSON.stringify(message).match(
      /"type":"mrkdwn","text":"[^"]*"(,"verbatim":true)?/g,
    );

    expect(mrkdwnTexts?.length).toBeGreaterThan(0);
    for (const text of mrkdwnTexts ?? []) {
      expect(text).toMatch(/"verbatim":true$/);
    }
    expect(message.blocks[2]).toMatchObject({ text: { type: 'plain_text' } });
  });

  it('caps long posts within the section limit without cutting an entity', () => {
    const message = slackMessage(event({ text: '&'.repeat(5000), summary: 'x'.repeat(5000) }));

    const post = message.blocks[2];
    const summary = message.blocks[1];

    expect(post?.type).toBe('section');
    const postText = post?.type === 'section' ? (post.text?.text ?? '') : '';
    expect(postText.length).toBeLessThanOrEqual(3000);
    expect(postText).toMatch(/^(&amp;)+…$/);
    const summaryText = summary?.type === 'section' ? (summary.text?.text ?? '') : '';
    expect(summaryText.length).toBe(3000);
    expect(message.text.length).toBeLessThanOrEqual(300);
  });

  it('shows "none" for missing severity, category and deadline, and skips an empty post', () => {
    const message = slackMessage(
      event({ severity: null, category: null, deadline: null, text: '  ', postUrl: null }),
    );

    expect(message.blocks.map((block) => block.type)).toEqual([
      'header',
      'section',
      'section',
      'actions',
      'context',
    ]);
    expect(message.blocks[0]).toMatchObject({
      text: { text: 'No severity · Page: a person is needed now' },
    });
    expect(message.blocks[2]).toMatchObject({
      fields: [
        { text: '*Severity*\nnone' },
        { text: '*Category*\nnone' },
        { text: '*Deadline*\nnone' },
        {},
        {},
        {},
      ],
    });
    expect(message.blocks[3]).toMatchObject({ elements: [{ action_id: 'earshot-open-case' }] });
    expect(message.text.startsWith('[-] ')).toBe(true);
  });

  it('drops links that are not http(s) instead of making them buttons', () => {
    const message = slackMessage(event({ link: 'javascript:alert(1)', postUrl: 'not a url' }));

    expect(message.blocks.some((block) => block.type === 'actions')).toBe(false);
  });

  it.each`
    kind                 | header
    ${'page'}            | ${'P0 · Page: a person is needed now'}
    ${'escalation'}      | ${'P0 · Escalated to a person'}
    ${'sla-warning'}     | ${'P0 · Response deadline approaching'}
    ${'sla-breach'}      | ${'P0 · Response deadline missed'}
    ${'needs-person'}    | ${'P0 · Needs a person'}
    ${'outcome-unknown'} | ${'P0 · Reply outcome unknown: check before retrying'}
  `('labels $kind events', ({ kind, header }: { kind: NotifyEvent['kind']; header: string }) => {
    const message = slackMessage(event({ kind }));

    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: header, emoji: false },
    });
  });
});

describe('escapeSlack and escapeWithin', () => {
  it.each`
    input                    | max   | expected
    ${'a & b'}               | ${50} | ${'a &amp; b'}
    ${'<@U1> <#C1> <!here>'} | ${50} | ${'&lt;@U1&gt; &lt;#C1&gt; &lt;!here&gt;'}
    ${'&&&'}                 | ${10} | ${'&amp;…'}
    ${'😀😀😀'}              | ${5}  | ${'😀😀…'}
    ${'plain'}               | ${5}  | ${'plain'}
  `(
    'escapes $input within $max',
    ({ input, max, expected }: { input: string; max: number; expected: string }) => {
      const escaped = escapeWithin(input, max);

      expect(escaped).toBe(expected);
      expect(escaped.length).toBeLessThanOrEqual(max);
    },
  );

  it('leaves text without control characters alone', () => {
    expect(escapeSlack('*bold* _it_ ~s~ `c`')).toBe('*bold* _it_ ~s~ `c`');
  });
});

describe('createSlackNotifier', () => {
  it('refuses a URL that is not http(s) without echoing it', () => {
    const attempt = () =>
      createSlackNotifier({ webhookUrl: 'hooks.slack.com/services/T0/B0/secret' });

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow('SLACK_WEBHOOK_URL must be an http(s) URL');
    expect(attempt).not.toThrow(/secret/);
  });

  it('refuses a timeout outside 1–600000 ms', () => {
    expect(() =>
      createSlackNotifier({ webhookUrl: 'https://hooks.slack.com/services/T0/B0/x', timeoutMs: 0 }),
    ).toThrow(ConfigError);
  });
});
