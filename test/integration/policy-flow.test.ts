import { afterEach, describe, expect, it } from 'vitest';
import { changeCaseState } from '../../src/app/case-state.js';
import type { Actor } from '../../src/app/drafts.js';
import type { App } from '../../src/app.js';
import type { DmResponder } from '../../src/responders/types.js';
import type { DraftRecord } from '../../src/store/drafts.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { waitFor } from '../helpers/wait.js';

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const ana: Actor = { name: 'ana', role: 'approver' };

interface SandboxDm {
  dm_event_id: string;
  participant_id: string;
  text: string;
  created_at: string;
}

async function dms(h: Harness): Promise<SandboxDm[]> {
  const response = await fetch(`${h.sandbox.url}/__sandbox/x/dms`);
  return ((await response.json()) as { data: SandboxDm[] }).data;
}

/** Starts the app with one P1 complaint polled and triaged: its first reply waits for a person. */
async function startWithP1Draft(
  h: Harness,
): Promise<{ postId: string; pending: DraftRecord | undefined }> {
  const postId = await h.mention('@acme the website is down for me');
  await h.app.start({ schedule: false });
  await h.app.pollOnce('x-mentions');
  await h.app.drain();
  const [pending] = await h.app.drafts.list({ status: 'pending_approval' });
  return { postId, pending };
}

describe('reply policy: approvals, opt-outs, DMs, kill switch (real Redis, sandbox over HTTP)', () => {
  it('holds a P1 draft for approval and posts it once a person approves', async () => {
    harness = await startHarness();
    const { postId, pending } = await startWithP1Draft(harness);
    const postsBefore = await harness.brandPosts();

    const approved = await harness.app.drafts.approve(pending?.id ?? '', ana);
    await harness.app.drain();

    expect(postsBefore).toEqual([]);
    expect(pending).toMatchObject({
      mentionId: postId,
      severity: 'P1',
      approvalReasons: ['severity-p1'],
    });
    expect(approved.status).toBe('approved');
    const posts = await harness.brandPosts();
    expect(posts.map((post) => [post.in_reply_to_tweet_id, post.text])).toEqual([
      [postId, pending?.text],
    ]);
    const sent = await harness.app.drafts.get(pending?.id ?? '');
    expect(sent).toMatchObject({
      status: 'sent',
      decidedBy: 'ana',
      platformResponseId: posts[0]?.id,
    });
    const audit = await harness.app.context.audit.forCase(`x-${postId}`);
    expect(audit.find((record) => record.outcome === 'approved')?.actor).toBe('ana');
    expect(audit.find((record) => record.outcome === 'sent')?.actor).toBe('ana');
  });

  it('never posts a rejected draft, and records who rejected it and why', async () => {
    harness = await startHarness();
    const { postId, pending } = await startWithP1Draft(harness);

    await harness.app.drafts.reject(pending?.id ?? '', ana, 'already answered by phone');
    await harness.app.drain();

    expect(await harness.brandPosts()).toEqual([]);
    await expect(harness.app.drafts.approve(pending?.id ?? '', ana)).rejects.toThrow(
      'is rejected, not pending',
    );
    const audit = await harness.app.context.audit.forCase(`x-${postId}`);
    expect(audit.find((record) => record.outcome === 'rejected')).toMatchObject({
      actor: 'ana',
      detail: 'already answered by phone',
    });
  });

  it('sends an edited draft only after approval, and supersedes the original', async () => {
    harness = await startHarness();
    const { pending } = await startWithP1Draft(harness);

    const edited = await harness.app.drafts.edit(
      pending?.id ?? '',
      ana,
      'Sorry about the outage, we are on it now.',
    );
    await harness.app.drain();
    const postsAfterEdit = await harness.brandPosts();
    await harness.app.drafts.approve(edited.id, { name: 'bo', role: 'admin' });
    await harness.app.drain();

    expect(postsAfterEdit).toEqual([]);
    expect(edited).toMatchObject({
      origin: 'edited',
      status: 'pending_approval',
      editedFrom: pending?.id,
    });
    expect((await harness.app.drafts.get(pending?.id ?? ''))?.status).toBe('superseded');
    expect((await harness.brandPosts()).map((post) => post.text)).toEqual([
      'Sorry about the outage, we are on it now.',
    ]);
  });

  it('approving one of two waiting replies supersedes the other on that channel only, and posts once', async () => {
    harness = await startHarness();
    const { postId, pending } = await startWithP1Draft(harness);
    const original = pending as DraftRecord;
    const drafts = harness.app.context.drafts;
    await drafts.create({ ...original, id: 'second-public', text: 'We are sorry, looking now.' });
    await drafts.create({ ...original, id: 'private-dm', channel: 'dm' });

    await harness.app.drafts.approve(original.id, ana);
    await harness.app.drain();

    expect((await drafts.get('second-public'))?.status).toBe('superseded');
    expect((await drafts.get('second-public'))?.note).toBe(`superseded by ${original.id}`);
    expect((await drafts.get('private-dm'))?.status).toBe('pending_approval');
    expect((await harness.brandPosts()).map((post) => post.text)).toEqual([original.text]);
    const audit = await harness.app.context.audit.forCase(`x-${postId}`);
    expect(
      audit.filter((record) => record.reason === 'draft-superseded').map((record) => record.detail),
    ).toEqual(['draft second-public']);
  });

  it('refuses approval from a viewer', async () => {
    harness = await startHarness();
    const { pending } = await startWithP1Draft(harness);

    const attempt = harness.app.drafts.approve(pending?.id ?? '', { name: 'vic', role: 'viewer' });

    await expect(attempt).rejects.toThrow('vic is a viewer');
    expect((await harness.app.drafts.get(pending?.id ?? ''))?.status).toBe('pending_approval');
  });

  it('honours "stop": no automated message afterwards, until the author opts back in', async () => {
    harness = await startHarness();
    const author = { username: 'quinn', name: 'Quinn' };
    await harness.mention('@acme stop', author);
    await harness.app.start({ schedule: false });
    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();
    const complaint = await harness.mention('@acme my delivery is two weeks late', author);
    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();
    const postsWhileOptedOut = await harness.brandPosts();

    await harness.mention('@acme start', author);
    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();
    const later = await harness.mention('@acme order arrived damaged, really disappointed', author);
    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();

    expect(postsWhileOptedOut).toEqual([]);
    const held = await harness.app.drafts.list({ caseId: `x-${complaint}` });
    expect(held.map((draft) => [draft.status, draft.approvalReasons])).toEqual([
      ['pending_approval', ['author-opted-out']],
    ]);
    const audit = await harness.app.context.audit.list();
    expect(audit.map((record) => record.outcome)).toContain('opted_out');
    expect(audit.map((record) => record.outcome)).toContain('opted_in');
    expect((await harness.brandPosts()).map((post) => post.in_reply_to_tweet_id)).toEqual([later]);
  });

  it('pause holds every post; resume releases them in severity order', async () => {
    harness = await startHarness();
    await harness.app.start({ schedule: false });
    await harness.app.pause('ops', 'incident review');
    const p3 = await harness.mention(
      '@acme waited 40 minutes in the queue and the store staff were rude',
      {
        username: 'p3',
        name: 'Pat',
      },
    );
    const p2 = await harness.mention('@acme my delivery is two weeks late', {
      username: 'p2',
      name: 'Lee',
    });
    const p1 = await harness.mention('@acme the website is down for me', {
      username: 'p1',
      name: 'Kai',
    });
    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();
    const [p1Draft] = await harness.app.drafts.list({ status: 'pending_approval' });
    await harness.app.drafts.approve(p1Draft?.id ?? '', ana);
    await harness.app.drain();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const postsWhilePaused = await harness.brandPosts();
    const state = await harness.app.pauseState();

    await harness.app.resume('ops');
    await harness.app.drain();

    expect(postsWhilePaused).toEqual([]);
    expect(state).toMatchObject({ paused: true, by: 'ops', reason: 'incident review' });
    const order = (await harness.brandPosts()).map((post) => post.in_reply_to_tweet_id);
    expect(order).toEqual([p1, p2, p3]);
  });

  it('hands private matters to a DM: a public hand-off, then the DM asking for details', async () => {
    harness = await startHarness({ privacyUrl: 'https://acme.test/privacy', policy: (p) => p });
    const postId = await harness.mention('@acme my card was charged but the order failed', {
      username: 'dana',
      name: 'Dana',
    });
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();

    const posts = await harness.brandPosts();
    expect(posts.map((post) => post.in_reply_to_tweet_id)).toEqual([postId]);
    expect(posts[0]?.text).not.toMatch(/order number|e-?mail/i);
    const sentDms = await dms(harness);
    expect(sentDms).toHaveLength(1);
    expect(sentDms[0]?.text).toContain('https://acme.test/privacy');
    expect(sentDms[0]?.text).toMatch(/order number|e-?mail/i);
  });

  /** A DM channel whose process "dies" during the call: the call never returns, after sending or before. */
  const dyingDm =
    (calls: { count: number }, sendFirst: boolean) =>
    (real: DmResponder): DmResponder => ({
      ...real,
      async sendDm(request) {
        calls.count += 1;
        if (sendFirst) {
          await real.sendDm(request);
        }
        return new Promise<never>(() => undefined);
      },
    });

  async function restartAfterDmDeath(sendFirst: boolean): Promise<{ postId: string; app: App }> {
    const calls = { count: 0 };
    const workers = { lockDuration: 1000, stalledInterval: 500 };
    // The retry must not wait a minute for the DM budget's next token.
    const plenty = { capacity: 1000, refillTokens: 1000, refillEveryMs: 900_000 };
    harness = await startHarness({
      privacyUrl: 'https://acme.test/privacy',
      wrapDmResponder: dyingDm(calls, sendFirst),
      workers,
      budgets: { 'x:post': plenty, 'x:dm': plenty },
    });
    const postId = await harness.mention('@acme my card was charged but the order failed', {
      username: 'dana',
      name: 'Dana',
    });
    await harness.app.start({ schedule: false });
    await harness.app.pollOnce('x-mentions');
    await waitFor(async () => (calls.count > 0 ? true : undefined));
    await harness.app.stop({ force: true });
    const app = harness.newApp({ wrapDmResponder: undefined, workers });
    await app.start({ schedule: false });
    return { postId, app };
  }

  it('never sends a DM twice when a worker dies after sending it: the DM found in the conversation is recorded as sent', async () => {
    const { postId, app } = await restartAfterDmDeath(true);
    const sent = await waitFor(async () => {
      const drafts = await app.context.drafts.forCase(`x-${postId}`);
      return drafts.find((draft) => draft.channel === 'dm' && draft.status === 'sent');
    });
    await app.drain();

    const sentDms = await dms(harness!);
    expect(sentDms).toHaveLength(1);
    expect(sent.platformResponseId).toBe(sentDms[0]?.dm_event_id);
    expect(sent.sentAt).toBe(sentDms[0]?.created_at);
    const audit = await app.context.audit.forCase(`x-${postId}`);
    const dmSent = audit.filter((record) => record.reason === 'dm-sent');
    expect(dmSent).toHaveLength(1);
    expect(dmSent[0]?.detail).toMatch(/^found on x after an earlier attempt .* was cut off/);
    expect(audit.map((record) => record.reason)).not.toContain('reply-outcome-unknown');
    expect(await app.context.people.list()).toEqual([]);
    const lookups = harness!.sandbox
      .requests()
      .filter((request) => request.path.endsWith('/dm_events'));
    expect(lookups.map((request) => [request.path, request.status])).toEqual([
      [`/2/dm_conversations/with/${sent.authorId}/dm_events`, 200],
    ]);
  });

  it('hands the case to a person when a worker died before the DM went out: it never sends on a guess', async () => {
    const { postId, app } = await restartAfterDmDeath(false);
    const unknown = await waitFor(async () => {
      const items = await app.context.people.list();
      return items.find((item) => item.reason === 'reply-outcome-unknown');
    });
    await app.drain();

    expect(unknown.mention.id).toBe(postId);
    expect(await dms(harness!)).toEqual([]);
    const drafts = await app.context.drafts.forCase(`x-${postId}`);
    expect(
      drafts
        .filter((draft) => draft.channel === 'dm')
        .map((draft) => [draft.status, draft.failure]),
    ).toEqual([['failed', 'reply-outcome-unknown']]);
    const audit = await app.context.audit.forCase(`x-${postId}`);
    expect(audit.find((record) => record.reason === 'reply-outcome-unknown')?.detail).toMatch(
      /nothing from the brand since .* was found there/,
    );
  });

  it('posts nothing automated between quiet hours: the acknowledgment waits for their end', async () => {
    const now = new Date();
    const hour = now.getUTCHours();
    const from = `${String(hour).padStart(2, '0')}:00`;
    const to = `${String((hour + 2) % 24).padStart(2, '0')}:00`;
    harness = await startHarness({
      policy: (p) => ({ ...p, quietHours: { from, to, exceptSeverities: ['P0', 'P1'] } }),
    });
    const postId = await harness.mention('@acme my delivery is two weeks late');
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('x-mentions');
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(await harness.brandPosts()).toEqual([]);
    const job = await harness.app.context.queues.send['x:post'].getJob(`send-ack-x-${postId}`);
    expect(await job?.getState()).toBe('delayed');
    const sendAt = (job?.timestamp ?? 0) + (job?.delay ?? 0);
    const quietEnd = new Date(now);
    quietEnd.setUTCHours(hour + 2, 0, 0, 0);
    expect(Math.abs(sendAt - quietEnd.getTime())).toBeLessThan(1000);
  });

  it('settling a case supersedes its waiting drafts; reopening clears the resolution time', async () => {
    harness = await startHarness();
    const { postId } = await startWithP1Draft(harness);
    const caseId = `x-${postId}`;

    const resolved = await changeCaseState(harness.app.context, {
      caseId,
      to: 'resolved',
      by: 'ana',
      note: 'fixed',
    });
    const resolvedAt = (await harness.app.context.cases.get(caseId))?.resolvedAt;
    const reopened = await changeCaseState(harness.app.context, { caseId, to: 'new', by: 'ana' });

    expect(resolved.draftsSuperseded).toEqual([`ack-x-${postId}`]);
    expect(resolvedAt).toBe(resolved.at);
    await expect(harness.app.drafts.approve(`ack-x-${postId}`, ana)).rejects.toThrow(
      'is superseded',
    );
    expect(reopened.from).toBe('resolved');
    expect((await harness.app.context.cases.get(caseId))?.resolvedAt).toBeNull();
    expect(await harness.brandPosts()).toEqual([]);
  });

  it('keeps private matters out of DMs for an author who does not accept them: a person approves instead', async () => {
    harness = await startHarness({ privacyUrl: 'https://acme.test/privacy' });
    const postId = await harness.mention('@acme my card was charged but the order failed', {
      username: 'closed',
      name: 'Cleo',
      accepts_dms: false,
    });
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();

    expect(await harness.brandPosts()).toEqual([]);
    expect(await dms(harness)).toEqual([]);
    const drafts = await harness.app.drafts.list({ caseId: `x-${postId}` });
    expect(
      drafts.map((draft) => [
        draft.kind,
        draft.status,
        draft.approvalReasons.includes('dm-unavailable'),
      ]),
    ).toEqual([['first-reply', 'pending_approval', true]]);
  });
});
