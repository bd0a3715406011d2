import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadClassifierRules } from '../../src/config/rules.js';
import { createClassifier } from '../../src/core/classify/index.js';
import { train, withModel } from '../../src/core/model/index.js';
import type { TrainingRow } from '../../src/core/model/index.js';
import { loadSentenceEncoder, withEncoder } from '../../src/lib/sentence-encoder.js';
import { createXClient } from '../../src/lib/x-client.js';
import type { App } from '../../src/app.js';
import { LEGACY_SEND_QUEUE } from '../../src/queue/jobs.js';
import type { PublicReplyResponder } from '../../src/responders/types.js';
import { SANDBOX_X_CREDENTIALS } from '../../src/sandbox/x/index.js';
import {
  BRAND,
  startHarness,
  UNREACHABLE_URL,
  xReplyResponder,
  type Harness,
  type HarnessOptions,
} from '../helpers/harness.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { REDIS_URL } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';

const RULES_DIR = fileURLToPath(new URL('../../rules', import.meta.url));

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('X mentions → first replies (real Redis, real client, sandbox over HTTP)', () => {
  it('replies exactly once to an injected complaint, personalised, and records the decision', async () => {
    harness = await startHarness();
    const postId = await harness.mention(
      '@acme my parcel is a week late and tracking has not moved',
      {
        username: 'sam',
        name: 'Sam Rivera',
      },
    );
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();
    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();

    const posts = await harness.brandPosts();
    expect(posts).toHaveLength(1);
    expect(posts[0]?.in_reply_to_tweet_id).toBe(postId);
    expect(posts[0]?.text).toContain('Sam');
    expect(posts[0]?.text).not.toMatch(/https?:\/\//);
    const audit = await harness.app.context.audit.forCase(`x-${postId}`);
    expect(audit.map((record) => record.outcome)).toEqual(['stored', 'queued', 'sent']);
    expect(audit[1]).toMatchObject({
      reason: 'complaint-acknowledge',
      severity: 'P2',
      category: 'delivery',
    });
    expect(audit[2]?.platformResponseId).toBe(posts[0]?.id);
    const guard = await harness.app.context.sentGuard.get('x', `ack-x-${postId}`);
    expect(guard).toMatchObject({ state: 'sent', platformId: posts[0]?.id });
    const decisionLine = harness.logs.find((line) => line.msg.startsWith('SENT reply-posted'));
    expect(decisionLine?.msg).toContain(`x-mentions/${postId}`);
  });

  it('triages with a trained model that uses the sentence encoder, wired as `start --model` wires it', async () => {
    const rules = loadClassifierRules(RULES_DIR);
    const builtin = createClassifier(rules);
    const rows: TrainingRow[] = [
      ...[
        'my parcel is a week late',
        'tracking has not moved in days',
        'still waiting for my order',
        'the delivery never came',
        'my package is lost',
        'order arrived broken and nobody answers',
      ].map((text, i) => ({ id: `c${i}`, text, complaint: 1 as const, category: 'delivery' })),
      ...[
        'thanks for the quick delivery',
        'love the new app',
        'great service today',
        'what time do you open',
        'happy with my order',
        'nice packaging',
      ].map((text, i) => ({ id: `n${i}`, text, complaint: 0 as const, category: null })),
    ];
    const encoder = await loadSentenceEncoder();
    const model = train(rows, {
      createdAt: '2026-11-22T00:00:00.000Z',
      builtin,
      encoded: { name: encoder.name, vectors: await encoder.embed(rows.map((row) => row.text)) },
    });
    harness = await startHarness({
      classify: withEncoder(withModel(builtin, model), loadSentenceEncoder),
    });
    const postId = await harness.mention(
      '@acme my parcel is a week late and tracking has not moved',
    );
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();

    const stored = await harness.app.context.mentions.get('x-mentions', postId);
    expect(stored?.classification?.classifierVersion).toMatch(
      new RegExp(`^model:${model.id}\\+builtin-`),
    );
    expect(stored?.classification?.complaint).toBe(true);
    expect(await harness.brandPosts()).toHaveLength(1);
  });

  it('gives praise, questions and noise no complaint acknowledgment; a question goes to a person', async () => {
    harness = await startHarness();
    await harness.mention('@acme love the new dark mode, great work!');
    await harness.mention('@acme what time do you open on Sundays?');
    await harness.mention('@acme watching the game tonight');
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();

    expect(await harness.brandPosts()).toEqual([]);
    const audit = await harness.app.context.audit.list();
    const decisions = audit
      .filter((record) => record.outcome !== 'stored')
      .map((record) => [record.outcome, record.reason]);
    expect(decisions).toEqual([
      ['skipped', 'not-a-complaint'],
      ['escalated_human', 'question-needs-person'],
      ['skipped', 'not-a-complaint'],
    ]);
  });

  it('sends distinct texts to many complaints, so X never sees a duplicate', async () => {
    harness = await startHarness();
    const names = ['Ana', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay', 'Gus', 'Hana'];
    for (const name of names) {
      await harness.mention('@acme the app keeps crashing and I lost my work', {
        username: name.toLowerCase(),
        name,
      });
    }
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();

    const texts = (await harness.brandPosts()).map((post) => post.text);
    expect(texts).toHaveLength(names.length);
    expect(new Set(texts).size).toBe(names.length);
  });

  it('acknowledges a thread once: the author’s follow-up in the same conversation gets no second reply', async () => {
    harness = await startHarness();
    const first = await harness.mention(
      '@acme my parcel is a week late and tracking has not moved',
    );
    await harness.mention(
      '@acme still waiting, this is ridiculous',
      { username: 'sam', name: 'Sam' },
      {
        in_reply_to_tweet_id: first,
      },
    );
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();

    const posts = await harness.brandPosts();
    expect(posts).toHaveLength(1);
    const audit = await harness.app.context.audit.forCase(`x-${first}`);
    expect(audit.filter((record) => record.reason === 'follow-up-needs-person')).toHaveLength(1);
  });

  it('survives a restart: neither re-replies nor skips mentions, and resumes from the stored cursor', async () => {
    harness = await startHarness();
    const before = [
      await harness.mention('@acme the checkout page is broken for me', {
        username: 'ann',
        name: 'Ann',
      }),
      await harness.mention('@acme my delivery is two weeks late', {
        username: 'bo',
        name: 'Bo',
      }),
    ];
    await harness.app.start({ schedule: false });
    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();
    await harness.app.stop();
    const after = [
      await harness.mention('@acme the app crashes every time I open it', {
        username: 'cy',
        name: 'Cy',
      }),
      await harness.mention('@acme order arrived damaged, really disappointed', {
        username: 'di',
        name: 'Di',
      }),
    ];
    const restarted = harness.newApp();
    await restarted.start({ schedule: false });

    await restarted.pollOnce('x-mentions');
    await restarted.drain();
    await restarted.pollOnce('x-mentions');
    await restarted.drain();

    const posts = await harness.brandPosts();
    expect(posts.map((post) => post.in_reply_to_tweet_id).sort()).toEqual(
      [...before, ...after].sort(),
    );
    const mentionCalls = harness.sandbox
      .requests()
      .filter((request) => request.method === 'GET' && request.path.endsWith('/mentions'));
    expect(mentionCalls[0]?.query.since_id).toBeUndefined();
    expect(mentionCalls[1]?.query.since_id).toBe(before[1]);
  });

  it('loses no reply queued by an earlier version in its single send queue: start moves it and it goes out once', async () => {
    harness = await startHarness();
    await harness.app.start({ schedule: false });
    await harness.app.pause('test', 'hold the acknowledgment');
    const postId = await harness.mention('@acme my package is 5 days late');
    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();
    const current = harness.app.context.queues.send['x:post'];
    const [queued] = await current.getJobs(['waiting', 'prioritized', 'delayed']);
    // Put it where an earlier version would have left it.
    const legacy = new Queue(LEGACY_SEND_QUEUE, {
      connection: { url: REDIS_URL },
      prefix: harness.prefix,
    });
    await legacy.add(queued?.name ?? '', queued?.data, {
      jobId: queued?.id ?? '',
      priority: queued?.opts.priority ?? 3,
    });
    await queued?.remove();
    await harness.app.stop();

    const restarted = harness.newApp();
    await restarted.start({ schedule: false });
    await restarted.resume('test');
    await restarted.drain();

    expect((await harness.brandPosts()).map((post) => post.in_reply_to_tweet_id)).toEqual([postId]);
    expect(await legacy.count()).toBe(0);
    await legacy.close();
  });

  it('loses nothing when a process dies after storing mentions but before triaging them', async () => {
    harness = await startHarness();
    const postId = await harness.mention('@acme the app crashes every time I open it');
    await harness.app.pollOnce('x-mentions');
    await harness.app.stop();
    const restarted = harness.newApp();

    await restarted.start({ schedule: false });
    await restarted.drain();

    const posts = await harness.brandPosts();
    expect(posts.map((post) => post.in_reply_to_tweet_id)).toEqual([postId]);
  });

  /** A responder whose process "dies" during the call: the call never returns, after posting or before. */
  const dyingMidCall =
    (calls: { count: number }, postFirst: boolean) =>
    (real: PublicReplyResponder): PublicReplyResponder => ({
      ...real,
      async reply(request) {
        calls.count += 1;
        if (postFirst) {
          await real.reply(request);
        }
        return new Promise<never>(() => undefined);
      },
    });

  async function restartAfterDeath(
    postFirst: boolean,
    afterRestart: Partial<HarnessOptions> = {},
  ): Promise<{ postId: string; app: App }> {
    const calls = { count: 0 };
    harness = await startHarness({
      wrapResponder: dyingMidCall(calls, postFirst),
      workers: { lockDuration: 1000, stalledInterval: 500 },
    });
    const postId = await harness.mention(
      '@acme the replacement you sent is also missing a part, very disappointing',
    );
    await harness.app.start({ schedule: false });
    await harness.app.pollOnce('x-mentions');
    await waitFor(async () => (calls.count > 0 ? true : undefined));
    await harness.app.stop({ force: true });
    const app = harness.newApp({
      wrapResponder: undefined,
      workers: { lockDuration: 1000, stalledInterval: 500 },
      ...afterRestart,
    });
    await app.start({ schedule: false });
    return { postId, app };
  }

  it('never posts twice when a worker dies between the platform call and recording it: the reply found on X is recorded as sent', async () => {
    const { postId, app } = await restartAfterDeath(true);
    const sent = await waitFor(async () => {
      const drafts = await app.context.drafts.forCase(`x-${postId}`);
      return drafts.find((draft) => draft.status === 'sent');
    });
    await app.drain();

    const posts = await harness!.brandPosts();
    expect(posts).toHaveLength(1);
    expect(sent.platformResponseId).toBe(posts[0]?.id);
    const audit = await app.context.audit.forCase(`x-${postId}`);
    const posted = audit.filter((record) => record.reason === 'reply-posted');
    expect(posted).toHaveLength(1);
    expect(posted[0]?.detail).toMatch(/^found on x after an earlier attempt .* was cut off/);
    expect(audit.map((record) => record.reason)).not.toContain('reply-outcome-unknown');
    expect(await app.context.people.list()).toEqual([]);
    // Acknowledged when X says the reply was posted, before the restart found it.
    const postedAt = Date.parse(posts[0]?.created_at ?? '');
    const kase = await app.context.cases.get(`x-${postId}`);
    expect(kase?.state).toBe('acknowledged');
    expect(Date.parse(kase?.firstResponseAt ?? '')).toBe(postedAt);
    expect(sent.sentAt).toBe(new Date(postedAt).toISOString());
    const searches = harness!.sandbox
      .requests()
      .filter((request) => request.path === '/2/tweets/search/recent');
    expect(searches.map((request) => request.query.query)).toEqual([`from:${BRAND.id} is:reply`]);
  });

  it('reads back again when X cannot be reached after a cut-off send, instead of handing it to a person', async () => {
    // The first read-back is refused.
    const unreachable = xReplyResponder(UNREACHABLE_URL);
    let reads = 0;
    const { postId, app } = await restartAfterDeath(true, {
      wrapResponder: (real) =>
        real.platform !== 'x'
          ? real
          : {
              ...real,
              reply: (request) => real.reply(request),
              findReply: (request) => {
                reads += 1;
                return reads === 1 ? unreachable.findReply(request) : real.findReply(request);
              },
            },
      workers: { lockDuration: 1000, stalledInterval: 500, sendBackoffMs: 10 },
    });
    const sent = await waitFor(async () => {
      const drafts = await app.context.drafts.forCase(`x-${postId}`);
      return drafts.find((draft) => draft.status === 'sent');
    });
    await app.drain();

    expect(reads).toBe(2);
    const posts = await harness!.brandPosts();
    expect(posts.map((post) => post.id)).toEqual([sent.platformResponseId]);
    const audit = await app.context.audit.forCase(`x-${postId}`);
    expect(audit.filter((record) => record.reason === 'reply-posted')).toHaveLength(1);
    expect(audit.map((record) => record.reason)).not.toContain('reply-outcome-unknown');
    expect(await app.context.people.list()).toEqual([]);
  });

  it('waits for the read window when X rate-limits the read-back of a cut-off send, without holding the send queue', async () => {
    // The first read-back gets X's 429 from a real server, with a reset two seconds ahead.
    const limited = await startHttpReceiver();
    const resetSeconds = Math.ceil(Date.now() / 1000) + 2;
    limited.reply([
      {
        status: 429,
        headers: {
          'content-type': 'application/json',
          'x-rate-limit-limit': '60',
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(resetSeconds),
        },
        body: JSON.stringify({ title: 'Too Many Requests', status: 429, type: 'about:blank' }),
      },
    ]);
    const rateLimited = xReplyResponder(limited.url);
    const readsAt: number[] = [];
    let queueLimitedWhileWaiting: number | null = null;
    let app: App | undefined;
    try {
      let postId: string;
      ({ app, postId } = await restartAfterDeath(true, {
        wrapResponder: (real) =>
          real.platform !== 'x'
            ? real
            : {
                ...real,
                reply: (request) => real.reply(request),
                findReply: async (request) => {
                  readsAt.push(Date.now());
                  if (readsAt.length === 1) {
                    // Looked at while the draft waits for the reset, two seconds ahead.
                    setTimeout(() => {
                      void app!.context.queues.send['x:post'].getRateLimitTtl().then((ttl) => {
                        queueLimitedWhileWaiting = ttl;
                      });
                    }, 500);
                    return rateLimited.findReply(request);
                  }
                  return real.findReply(request);
                },
              },
        workers: { lockDuration: 1000, stalledInterval: 500, sendBackoffMs: 10 },
      }));
      const sent = await waitFor(async () => {
        const drafts = await app!.context.drafts.forCase(`x-${postId}`);
        return drafts.find((draft) => draft.status === 'sent');
      }, 15_000);
      await app.drain();

      expect(readsAt).toHaveLength(2);
      expect(readsAt[1]).toBeGreaterThanOrEqual(resetSeconds * 1000);
      // The job waited on its own: the queue was never rate-limited for it.
      expect(queueLimitedWhileWaiting).toBeLessThanOrEqual(0);
      const posts = await harness!.brandPosts();
      expect(posts.map((post) => post.id)).toEqual([sent.platformResponseId]);
      const audit = await app.context.audit.forCase(`x-${postId}`);
      const deferred = audit.filter((record) => record.reason === 'read-back-rate-limited');
      expect(deferred.map((record) => record.outcome)).toEqual(['deferred']);
      expect(deferred[0]?.detail).toContain(
        `resets at ${new Date(resetSeconds * 1000).toISOString()}`,
      );
      const until = /waits until (\S+Z)/.exec(deferred[0]?.detail ?? '')?.[1] ?? '';
      expect(Date.parse(until)).toBeGreaterThanOrEqual(resetSeconds * 1000);
      expect(audit.filter((record) => record.reason === 'reply-posted')).toHaveLength(1);
      expect(audit.map((record) => record.reason)).not.toContain('reply-outcome-unknown');
      expect(await app.context.people.list()).toEqual([]);
    } finally {
      await limited.close();
    }
  });

  it('hands the case to a person when a worker died mid-call and X shows no reply: it never posts on a guess', async () => {
    const { postId, app } = await restartAfterDeath(false);
    const unknown = await waitFor(async () => {
      const items = await app.context.people.list();
      return items.find((item) => item.reason === 'reply-outcome-unknown');
    });
    await app.drain();

    expect(unknown.mention.id).toBe(postId);
    expect(await harness!.brandPosts()).toEqual([]);
    const drafts = await app.context.drafts.forCase(`x-${postId}`);
    expect(drafts.map((draft) => [draft.status, draft.failure])).toEqual([
      ['failed', 'reply-outcome-unknown'],
    ]);
    const audit = await app.context.audit.forCase(`x-${postId}`);
    const failed = audit.find((record) => record.reason === 'reply-outcome-unknown');
    expect(failed?.detail).toMatch(/nothing from the brand since .* was found there/);
  });

  it('defers polling on a 429 until x-rate-limit-reset, without crashing', async () => {
    let now = Date.parse('2026-11-21T12:00:00.000Z');
    harness = await startHarness({
      clock: () => now,
      sandbox: { limits: { 'GET /2/users/:id/mentions': { perUser15m: 2 } } },
    });
    await harness.mention('@acme my order never arrived');

    const first = await harness.app.pollOnce('x-mentions');
    const second = await harness.app.pollOnce('x-mentions');
    const limited = await harness.app.pollOnce('x-mentions');
    const deferred = await harness.app.pollOnce('x-mentions');
    const callsWhileDeferred = harness.sandbox
      .requests()
      .filter((r) => r.path.endsWith('/mentions')).length;
    now += 15 * 60_000 + 1000;
    const resumed = await harness.app.pollOnce('x-mentions');

    expect(first).toMatchObject({ status: 'polled', stored: 1 });
    expect(second).toMatchObject({ status: 'polled' });
    expect(second.status === 'polled' && second.deferUntil).toBeGreaterThan(
      Date.parse('2026-11-21T12:00:00.000Z'),
    );
    expect(limited.status).toBe('deferred');
    expect(deferred.status).toBe('deferred');
    expect(callsWhileDeferred).toBe(2);
    expect(resumed).toMatchObject({ status: 'polled', stored: 0 });
  });

  it('records a 429 that arrives anyway and defers the next poll to the reset time', async () => {
    let now = Date.parse('2026-11-21T12:00:00.000Z');
    harness = await startHarness({
      clock: () => now,
      sandbox: { limits: { 'GET /2/users/:id/mentions': { perUser15m: 1 } } },
    });
    // Another client of the same account spends the window first.
    await fetch(`${harness.sandbox.url}/__sandbox/x/limits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ 'GET /2/users/:id/mentions': { perUser15m: 0 } }),
    });

    const limited = await harness.app.pollOnce('x-mentions');
    const statuses = harness.sandbox.requests().map((request) => request.status);
    now += 16 * 60_000;

    expect(statuses).toEqual([429]);
    expect(limited).toMatchObject({ status: 'polled', stored: 0 });
    expect(limited.status === 'polled' && limited.deferUntil).toBeGreaterThan(
      Date.parse('2026-11-21T12:00:00.000Z'),
    );
    expect(await harness.app.context.cursors.deferredUntil('x-mentions')).toBeGreaterThan(0);
  });

  it('records a duplicate-content 403 once and does not retry it in a loop', async () => {
    const fixed = 'We are sorry about this and are looking into it now.';
    harness = await startHarness({
      draft: () => ({
        text: fixed,
        templateId: 'test-fixed',
        weightedLength: fixed.length,
        limit: 280,
      }),
    });
    // A person already posted this exact text from the brand account, outside earshot.
    await createXClient(
      { kind: 'oauth1', keys: SANDBOX_X_CREDENTIALS },
      harness.sandbox.url,
    ).v2.tweet(fixed);
    const postId = await harness.mention('@acme my delivery is two weeks late', {
      username: 'new',
      name: 'New',
    });
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();

    const postCalls = harness.sandbox
      .requests()
      .filter((request) => request.method === 'POST' && request.path === '/2/tweets');
    expect(postCalls.map((call) => call.status)).toEqual([201, 403]);
    const audit = await harness.app.context.audit.forCase(`x-${postId}`);
    expect(audit.filter((record) => record.reason === 'duplicate-content')).toHaveLength(1);
    const people = await harness.app.context.people.list();
    expect(people.map((item) => item.reason)).toContain('duplicate-content');
  });

  it('never replies to a keyword-only hit; it lands on the needs-a-person list with its classification', async () => {
    harness = await startHarness({ searchQueries: ['acme -is:retweet'] });
    const hit = await harness.post('ugh acme delivery late again, never ordering from them again');
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('x-search');
    await harness.app.drain();

    expect(await harness.brandPosts()).toEqual([]);
    const people = await harness.app.context.people.list();
    expect(people).toHaveLength(1);
    expect(people[0]).toMatchObject({
      reason: 'keyword-hit-needs-person',
      mention: { id: hit, source: 'x-search' },
      classification: { complaint: true },
    });
  });

  it('classifies a follow-up with the earlier message of its conversation as thread context', async () => {
    harness = await startHarness();
    const first = await harness.mention(
      '@acme my order never arrived and nobody answers the phone',
      {
        username: 'dana',
      },
    );
    const followUp = await harness.mention(
      '@acme hello?',
      { username: 'dana' },
      { in_reply_to_tweet_id: first },
    );
    const alone = await harness.mention('@acme hello?', { username: 'kim' });
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();

    const threaded = await harness.app.context.mentions.get('x-mentions', followUp);
    const single = await harness.app.context.mentions.get('x-mentions', alone);
    expect(threaded?.caseId).toBe(`x-${first}`);
    expect(threaded?.classification?.reasons).toContainEqual(
      expect.objectContaining({ field: 'complaint', rule: 'score:thread' }),
    );
    expect(single?.classification?.reasons.some((r) => r.rule === 'score:thread')).toBe(false);
  });

  it('puts a mention in a language the rules cannot read in front of a person instead of ignoring it', async () => {
    harness = await startHarness();
    const spanish = await harness.mention(
      'mi vuelo lleva 3 horas de retraso y nadie responde, vergüenza',
      { username: 'lucia' },
      { lang: 'es' },
    );
    const english = await harness.mention('@acme the checkout page is broken for me', {
      username: 'dana',
    });
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();

    const replies = await harness.brandPosts();
    expect(replies.map((post) => post.in_reply_to_tweet_id)).toEqual([english]);
    const people = await harness.app.context.people.list();
    expect(people).toHaveLength(1);
    expect(people[0]).toMatchObject({
      reason: 'classifier-escalation',
      mention: { id: spanish },
      classification: { flags: expect.arrayContaining(['escalate_human']) as unknown },
    });
  });

  it('logs and skips malformed items without losing the rest of the batch', async () => {
    harness = await startHarness();
    const good1 = await harness.mention('@acme the checkout page is broken for me', {
      username: 'g1',
      name: 'G1',
    });
    await fetch(`${harness.sandbox.url}/__sandbox/x/mentions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ raw: { author_id: '999', edit_history_tweet_ids: [] } }),
    });
    await fetch(`${harness.sandbox.url}/__sandbox/x/mentions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ raw: { text: '@acme who am I', author_id: '4242424242' } }),
    });
    const good2 = await harness.mention('@acme my delivery is two weeks late', {
      username: 'g2',
      name: 'G2',
    });
    await harness.app.start({ schedule: false });

    const outcome = await harness.app.pollOnce('x-mentions');
    await harness.app.drain();

    expect(outcome).toMatchObject({ status: 'polled', stored: 2, skipped: 2 });
    const replied = (await harness.brandPosts()).map((post) => post.in_reply_to_tweet_id).sort();
    expect(replied).toEqual([good1, good2].sort());
    const warnings = harness.logs.filter(
      (line) => line.msg === 'Skipped an item the platform sent',
    );
    expect(warnings.map((line) => String(line.reason)).sort()).toEqual([
      expect.stringContaining('malformed post: text'),
      expect.stringContaining('unknown author 4242424242'),
    ]);
  });

  it('posts nothing in dry-run mode but records exactly what would have been sent', async () => {
    harness = await startHarness({ dryRun: true });
    const postId = await harness.mention('@acme order arrived damaged, really disappointed');
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();

    expect(await harness.brandPosts()).toEqual([]);
    const audit = await harness.app.context.audit.forCase(`x-${postId}`);
    const dryRun = audit.find((record) => record.outcome === 'dry_run');
    expect(dryRun?.text).toEqual(audit.find((record) => record.outcome === 'queued')?.text);
  });
});
