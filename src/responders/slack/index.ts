import { checkEndpoint, deliverOnce } from '../notify/http.js';
import type { Notifier } from '../notify/types.js';
import { slackMessage } from './payload.js';

export { escapeSlack, slackMessage, type SlackMessage } from './payload.js';

export interface SlackNotifierOptions {
  /** The incoming-webhook URL (SLACK_WEBHOOK_URL). It is the credential: never logged or echoed. */
  webhookUrl: string;
  fetch?: typeof fetch;
  /** Per attempt; default 10 000 ms. */
  timeoutMs?: number;
  /** Epoch ms, for Retry-After dates; default Date.now. */
  now?: () => number;
}

const URL_KEY = 'SLACK_WEBHOOK_URL';

/**
 * What to do about a refusal, keyed by the error word Slack puts in the body; see
 * https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks
 */
function slackHint(status: number, detail: string): string {
  if (detail === 'channel_is_archived' || status === 410) {
    return `the channel is archived; unarchive it or create a new incoming webhook and update ${URL_KEY}`;
  }
  if (detail === 'action_prohibited') {
    return `the workspace does not let this webhook post here; ask a Slack admin, then check ${URL_KEY}`;
  }
  if (detail.startsWith('invalid_') && detail !== 'invalid_token') {
    return 'Slack refused the message format; this is a bug in earshot, please report it with the event id';
  }
  if (status >= 300 && status <= 399) {
    return `the URL redirects; set ${URL_KEY} to the https://hooks.slack.com/services/… URL Slack gave you`;
  }
  return `check ${URL_KEY}`;
}

/**
 * Posts one message per event to a Slack incoming webhook: one attempt, any 2xx (Slack says `200 ok`) is
 * delivered; failures throw NotifyFailed with the retry decision and, when not retryable, what to fix.
 *
 * @example
 * const slack = createSlackNotifier({ webhookUrl: config.SLACK_WEBHOOK_URL });
 * await slack.notify(event);
 */
export function createSlackNotifier(options: SlackNotifierOptions): Notifier {
  const timeoutMs = checkEndpoint(URL_KEY, options.webhookUrl, options.timeoutMs);
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  return {
    id: 'slack',
    async notify(event, signal) {
      await deliverOnce({
        notifier: 'slack',
        peer: 'Slack',
        urlKey: URL_KEY,
        url: options.webhookUrl,
        body: JSON.stringify(slackMessage(event)),
        headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'earshot' },
        fetch: fetchImpl,
        timeoutMs,
        signal,
        now,
        hint: slackHint,
      });
    },
  };
}
