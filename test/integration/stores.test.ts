import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';

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

/** Polls `check` every 50 ms for up to 5 s; true once it holds. */
async function waitFor(check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (await check()) {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
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
    expect(await waitFor(async () => (await harness?.brandPosts())?.length === 1)).toBe(true);
    // The second X reply meets the spent budget: its queue waits ten minutes.
    const xQueue = harness.app.context.queues.send['x:post'];
    expect(await waitFor(async () => (await xQueue.getRateLimitTtl()) > 0)).toBe(true);
    const { id } = await admin<{ id: string }>(`${play}/__sandbox/play/reviews`, 'POST', {
      authorName: 'Ana',
      text: 'The app crashes every time I open the camera. Unusable since the update.',
      starRating: 1,
    });

    await harness.app.pollOnce('google-play');

    const replied = await waitFor(async () => {
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
});
