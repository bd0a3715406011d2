import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { PublicReplyResponder } from '../../src/responders/types.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { waitFor, waitUntil } from '../helpers/wait.js';

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function admin<T>(url: string, method: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) {
    throw new Error(`${method} ${url} answered ${response.status}: ${await response.text()}`);
  }
  return (await response.json()) as T;
}

/** A 1-star App Store review about a crash, posted to the sandbox; returns its id. */
async function postCrashReview(appStore: string): Promise<string> {
  const { id } = await admin<{ id: string }>(`${appStore}/__sandbox/appstore/reviews`, 'POST', {
    rating: 1,
    title: 'Crashes on launch',
    body: 'Since the last update the app crashes every time I open it. Unusable.',
    reviewerNickname: 'Sam88',
    territory: 'USA',
  });
  return id;
}

/**
 * Runs the pipeline until `platform`'s responder is called, "kills" the process in the call (after the store
 * accepted the reply when `postFirst`, before it otherwise) and starts a fresh process on the same Redis.
 */
async function restartAfterDeath(
  platform: 'app-store' | 'google-play',
  postFirst: boolean,
  postReview: (url: string) => Promise<string>,
  options: { beforeRestart?: (id: string, app: App) => Promise<void> } = {},
): Promise<{ id: string; app: App; url: string }> {
  let calls = 0;
  const workers = { lockDuration: 1000, stalledInterval: 500 };
  harness = await startHarness({
    stores: true,
    workers,
    wrapResponder: (real: PublicReplyResponder): PublicReplyResponder =>
      real.platform !== platform
        ? real
        : {
            ...real,
            async reply(request) {
              calls += 1;
              if (postFirst) {
                await real.reply(request);
              }
              return new Promise<never>(() => undefined);
            },
          },
  });
  const url = harness.storeUrls[platform] ?? '';
  const id = await postReview(url);
  await harness.app.start({ schedule: false });
  await harness.app.pollOnce(platform);
  expect(await waitUntil(async () => Promise.resolve(calls > 0))).toBe(true);
  await harness.app.stop({ force: true });
  const app = harness.newApp({ wrapResponder: undefined, workers });
  await options.beforeRestart?.(id, app);
  await app.start({ schedule: false });
  return { id, app, url };
}

async function postPlayCrashReview(play: string): Promise<string> {
  const { id } = await admin<{ id: string }>(`${play}/__sandbox/play/reviews`, 'POST', {
    authorName: 'Ana',
    text: 'The app crashes every time I open the camera. Unusable since the update.',
    starRating: 1,
  });
  return id;
}

async function sentDraftOf(app: App, caseId: string) {
  return waitFor(async () =>
    (await app.context.drafts.forCase(caseId)).find((draft) => draft.status === 'sent'),
  );
}

describe('store reviews in the same pipeline (App Store and Google Play sandboxes)', () => {
  it('answers a 1-star App Store bug review through App Store Connect, once', async () => {
    harness = await startHarness({ stores: true });
    const appStore = harness.storeUrls['app-store'] ?? '';
    const id = await postCrashReview(appStore);
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('app-store');
    await harness.app.drain();
    await harness.app.pollOnce('app-store');
    await harness.app.drain();

    const responses = await admin<{
      data: Array<{ reviewId: string; responseBody: string; state: string }>;
    }>(`${appStore}/__sandbox/appstore/responses`, 'GET');
    expect(responses.data.map((response) => response.reviewId)).toEqual([id]);
    expect(responses.data[0]?.responseBody).not.toMatch(/@|https?:\/\//);
    const audit = await harness.app.context.audit.forCase(`app-store-${id}`);
    expect(audit.map((record) => [record.outcome, record.reason])).toEqual([
      ['stored', 'new-mention'],
      ['queued', 'store-low-rating-bugs'],
      ['sent', 'reply-posted'],
    ]);
  });

  it('never replaces a response a person already wrote in App Store Connect: the draft waits for a person', async () => {
    harness = await startHarness({ stores: true });
    const appStore = harness.storeUrls['app-store'] ?? '';
    const id = await postCrashReview(appStore);
    // Someone on the team answers in App Store Connect before earshot sees the review.
    const person = harness.app.context.responders.get('app-store');
    await person?.reply({
      inReplyToId: id,
      text: 'Hi Sam, Ana here: a fix ships in 5.2.1 this week.',
    });
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('app-store');
    await harness.app.drain();

    const responses = await admin<{ data: Array<{ reviewId: string; responseBody: string }> }>(
      `${appStore}/__sandbox/appstore/responses`,
      'GET',
    );
    expect(responses.data.map((response) => response.responseBody)).toEqual([
      'Hi Sam, Ana here: a fix ships in 5.2.1 this week.',
    ]);
    const stored = await harness.app.context.mentions.get('app-store', id);
    expect(stored?.decision).toMatchObject({
      action: 'draft_for_approval',
      approvalReasons: expect.arrayContaining(['existing-reply']) as unknown,
    });
  });

  it('answers a Play review at once while X replies wait for their budget: one send queue per budget', async () => {
    harness = await startHarness({
      stores: true,
      // One X post now, the next in ten minutes.
      budgets: { 'x:post': { capacity: 1, refillTokens: 1, refillEveryMs: 600_000 } },
    });
    const play = harness.storeUrls['google-play'] ?? '';
    await harness.mention('@acme my delivery is two weeks late', { username: 'lee' });
    await harness.mention('@acme order arrived damaged, really disappointed', { username: 'ida' });
    await harness.app.start({ schedule: false });
    await harness.app.pollOnce('x-mentions');
    expect(await waitUntil(async () => (await harness?.brandPosts())?.length === 1)).toBe(true);
    // The second X reply meets the spent budget: its queue waits ten minutes.
    const xQueue = harness.app.context.queues.send['x:post'];
    expect(await waitUntil(async () => (await xQueue.getRateLimitTtl()) > 0)).toBe(true);
    const { id } = await admin<{ id: string }>(`${play}/__sandbox/play/reviews`, 'POST', {
      authorName: 'Ana',
      text: 'The app crashes every time I open the camera. Unusable since the update.',
      starRating: 1,
    });

    await harness.app.pollOnce('google-play');

    const replied = await waitUntil(async () => {
      const replies = await admin<{ data: Array<{ reviewId: string }> }>(
        `${play}/__sandbox/play/replies`,
        'GET',
      );
      return replies.data.some((reply) => reply.reviewId === id);
    });
    expect(replied).toBe(true);
    expect(await harness.brandPosts()).toHaveLength(1);
  });

  it('reopens a Play review edited after our reply, classifies it again and records the rating change', async () => {
    harness = await startHarness({ stores: true });
    const play = harness.storeUrls['google-play'] ?? '';
    const { id } = await admin<{ id: string }>(`${play}/__sandbox/play/reviews`, 'POST', {
      authorName: 'Ana',
      text: 'The app crashes every time I open the camera. Unusable since the update.',
      starRating: 1,
    });
    await harness.app.start({ schedule: false });
    await harness.app.pollOnce('google-play');
    await harness.app.drain();
    const replies = await admin<{ data: Array<{ reviewId: string; replyText: string }> }>(
      `${play}/__sandbox/play/replies`,
      'GET',
    );

    await admin(`${play}/__sandbox/play/reviews/${encodeURIComponent(id)}`, 'PATCH', {
      text: 'Fixed after the reply, thanks! Works great now.',
      starRating: 4,
    });
    await harness.app.pollOnce('google-play');
    await harness.app.drain();

    expect(replies.data.map((reply) => reply.reviewId)).toEqual([id]);
    expect(replies.data[0]?.replyText.length).toBeLessThanOrEqual(350);
    const caseId = `google-play-${id}`;
    const record = await harness.app.context.cases.get(caseId);
    expect(record).toMatchObject({ ratingAtReply: 1, ratingLatest: 4 });
    const audit = await harness.app.context.audit.forCase(caseId);
    expect(audit.find((entry) => entry.reason === 'review-edited')).toMatchObject({
      outcome: 'state_changed',
      ratingBefore: 1,
      ratingAfter: 4,
    });
    const stored = await harness.app.context.mentions.get('google-play', id);
    expect(stored?.history?.map((entry) => entry.rating)).toEqual([1]);
    expect(stored?.decision?.reason).toBe('not-a-complaint');
  });

  it.each([
    {
      when: 'records an App Store response that went out before the process died as sent, without sending it again',
      postFirst: true,
      detail:
        /^found on app-store after an earlier attempt \(started .*\) was cut off \(draft ack-/,
    },
    {
      when: 'sends an App Store response again when the process died before Apple had it (a response replaces, so never two)',
      postFirst: false,
      detail: /^draft ack-/,
    },
  ])('$when', async ({ postFirst, detail }) => {
    const { id, app, url } = await restartAfterDeath('app-store', postFirst, postCrashReview);
    const sent = await sentDraftOf(app, `app-store-${id}`);
    await app.drain();

    const responses = await admin<{ data: Array<{ id: string; reviewId: string }> }>(
      `${url}/__sandbox/appstore/responses`,
      'GET',
    );
    expect(responses.data.map((response) => response.reviewId)).toEqual([id]);
    expect(sent?.platformResponseId).toBe(responses.data[0]?.id);
    const audit = await app.context.audit.forCase(`app-store-${id}`);
    const sentRecords = audit.filter((record) => record.outcome === 'sent');
    expect(sentRecords).toHaveLength(1);
    expect(sentRecords[0]?.detail).toMatch(detail);
    expect(await app.context.people.list()).toEqual([]);
  });

  it('hands the case to a person when someone answered the App Store review while the outcome was unknown', async () => {
    const personText = 'Hi Sam, Ana here: a fix ships in 5.2.1 this week.';
    const { id, app, url } = await restartAfterDeath('app-store', false, postCrashReview, {
      beforeRestart: async (reviewId, app) => {
        // Someone on the team answers in App Store Connect while earshot is down.
        await app.context.responders
          .get('app-store')
          ?.reply({ inReplyToId: reviewId, text: personText });
      },
    });
    const unknown = await waitUntil(async () =>
      (await app.context.people.list()).some((item) => item.reason === 'reply-outcome-unknown'),
    );
    await app.drain();
    expect(unknown).toBe(true);
    const responses = await admin<{ data: Array<{ responseBody: string }> }>(
      `${url}/__sandbox/appstore/responses`,
      'GET',
    );
    expect(responses.data.map((response) => response.responseBody)).toEqual([personText]);
    const audit = await app.context.audit.forCase(`app-store-${id}`);
    expect(audit.find((record) => record.reason === 'reply-outcome-unknown')?.detail).toContain(
      'the platform shows another reply from the brand ("Hi Sam, Ana here',
    );
  });

  it('records a Google Play reply that went out before the process died as sent, without replying again', async () => {
    const { id, app, url } = await restartAfterDeath('google-play', true, postPlayCrashReview);
    const sent = await sentDraftOf(app, `google-play-${id}`);
    await app.drain();

    const replies = await admin<{ data: Array<{ reviewId: string; replyText: string }> }>(
      `${url}/__sandbox/play/replies`,
      'GET',
    );
    expect(replies.data.map((reply) => [reply.reviewId, reply.replyText])).toEqual([
      [id, sent?.text],
    ]);
    expect(sent?.platformResponseId).toMatch(new RegExp(`^${id}@\\d+$`));
    const audit = await app.context.audit.forCase(`google-play-${id}`);
    expect(audit.filter((record) => record.outcome === 'sent').map((r) => r.detail)).toEqual([
      expect.stringMatching(/^found on google-play after an earlier attempt/) as unknown,
    ]);
    expect(await app.context.people.list()).toEqual([]);
  });
});
