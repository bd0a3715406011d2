import { beforeEach, describe, expect, it } from 'vitest';

import type { Notifier, NotifyEvent } from '../../src/responders/notify/types.js';
import { createSlackNotifier, slackMessage } from '../../src/responders/slack/index.js';
import { useHttpReceiver } from '../helpers/http-receiver.js';
import { notifyFailure } from '../helpers/notify.js';

const EVENT: NotifyEvent = {
  id: 'escalation-x-1860000000000000002',
  kind: 'escalation',
  caseId: 'x-1860000000000000002',
  severity: 'P1',
  category: 'billing',
  deadline: '2026-11-20T11:00:00.000Z',
  summary: 'P1 billing complaint from @ana: "charged twice <!channel>"',
  text: '@acme charged twice <!channel> <https://evil|click> & *bold*',
  author: { username: 'ana', name: 'Ana', followersCount: 88, verified: false },
  source: 'x-mentions',
  link: 'https://desk.example.com/cases/x-1860000000000000002',
  postUrl: 'https://x.com/ana/status/1860000000000000002',
  at: '2026-11-20T10:00:00.000Z',
};

describe('Slack notifier over real HTTP', () => {
  const receiver = useHttpReceiver();
  let notifier: Notifier;

  beforeEach(() => {
    notifier = createSlackNotifier({
      webhookUrl: `${receiver.url}/services/T000/B000/XXXX`,
      timeoutMs: 2000,
    });
  });

  it('posts the Block Kit message as JSON and accepts "200 ok"', async () => {
    await notifier.notify(EVENT);

    const [request] = receiver.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/services/T000/B000/XXXX');
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(request?.body ?? '')).toEqual(slackMessage(EVENT));
    expect(request?.body).not.toContain('<!channel>');
    expect(request?.body).not.toContain('<https://evil');
  });

  it.each`
    status | body                     | message
    ${404} | ${'no_team'}             | ${'Slack answered 404 no_team: check SLACK_WEBHOOK_URL'}
    ${404} | ${'no_service'}          | ${'Slack answered 404 no_service: check SLACK_WEBHOOK_URL'}
    ${403} | ${'invalid_token'}       | ${'Slack answered 403 invalid_token: check SLACK_WEBHOOK_URL'}
    ${404} | ${'channel_not_found'}   | ${'Slack answered 404 channel_not_found: check SLACK_WEBHOOK_URL'}
    ${410} | ${'channel_is_archived'} | ${'Slack answered 410 channel_is_archived: the channel is archived; unarchive it or create a new incoming webhook and update SLACK_WEBHOOK_URL'}
    ${403} | ${'action_prohibited'}   | ${'Slack answered 403 action_prohibited: the workspace does not let this webhook post here; ask a Slack admin, then check SLACK_WEBHOOK_URL'}
    ${400} | ${'invalid_blocks'}      | ${'Slack answered 400 invalid_blocks: Slack refused the message format; this is a bug in earshot, please report it with the event id'}
  `(
    'answers $status $body with a non-retryable error and a hint',
    async ({ status, body, message }: { status: number; body: string; message: string }) => {
      receiver.reply([{ status, body }]);

      const error = await notifyFailure(notifier.notify(EVENT));

      expect(error).toMatchObject({ notifier: 'slack', retryable: false, status, message });
    },
  );

  it('answers 500 rollup_error with a retryable error', async () => {
    receiver.reply([{ status: 500, body: 'rollup_error' }]);

    const error = await notifyFailure(notifier.notify(EVENT));

    expect(error).toMatchObject({
      retryable: true,
      reason: 'server-error',
      message: 'Slack answered 500 rollup_error',
    });
  });

  it('answers 429 with the Retry-After Slack sent', async () => {
    receiver.reply([{ status: 429, headers: { 'retry-after': '30' }, body: 'rate_limited' }]);

    const error = await notifyFailure(notifier.notify(EVENT));

    expect(error).toMatchObject({
      code: 'rate-limited',
      retryable: true,
      retryAfterMs: 30_000,
      message: 'Slack answered 429 rate_limited; it asked to retry after 30000 ms',
    });
  });

  it('caps and cleans an oversized error body', async () => {
    receiver.reply([{ status: 400, body: `\u0007${'x'.repeat(100_000)}` }]);

    const error = await notifyFailure(notifier.notify(EVENT));

    expect(error.message).toBe(`Slack answered 400 ${'x'.repeat(200)}: check SLACK_WEBHOOK_URL`);
  });

  it('times out when Slack never answers', async () => {
    receiver.reply(['hang']);
    const slow = createSlackNotifier({ webhookUrl: receiver.url, timeoutMs: 150 });

    const error = await notifyFailure(slow.notify(EVENT));

    expect(error).toMatchObject({ reason: 'timeout', retryable: true });
    expect(error.message).toBe('Slack did not answer within 150 ms');
  });

  it('never puts the webhook URL in an error message', async () => {
    receiver.reply([{ status: 404, body: 'no_team' }, 'hang']);
    const slow = createSlackNotifier({
      webhookUrl: `${receiver.url}/services/T000/B000/XXXX`,
      timeoutMs: 150,
    });

    const errors = [
      await notifyFailure(slow.notify(EVENT)),
      await notifyFailure(slow.notify(EVENT)),
    ];

    for (const error of errors) {
      expect(error.message).not.toContain('XXXX');
      expect(error.message).not.toContain(receiver.url);
    }
  });
});
