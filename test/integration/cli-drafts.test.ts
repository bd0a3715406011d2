import { afterEach, describe, expect, it } from 'vitest';
import { runDraftAction, runDraftsList, runDraftsShow } from '../../src/cli/drafts.js';
import { captureIo } from '../helpers/cli-io.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('earshot drafts', () => {
  it('lists each waiting draft with its id, source post id, severity, deadline and text; approves one', async () => {
    harness = await startHarness();
    const postId = await harness.mention('@acme the website is down for me');
    await harness.app.start({ schedule: false });
    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();
    const io = captureIo();

    const listed = await runDraftsList(harness.app.drafts, io, new Date());
    const [draft] = await harness.app.drafts.list();
    const shown = await runDraftsShow(harness.app.drafts, draft?.id ?? '', io);
    const approved = await runDraftAction(
      'approve',
      harness.app.drafts,
      { id: draft?.id ?? '', actor: { name: 'cli:ops', role: 'admin' } },
      io,
    );
    const again = await runDraftAction(
      'approve',
      harness.app.drafts,
      { id: draft?.id ?? '', actor: { name: 'cli:ops', role: 'admin' } },
      io,
    );
    await harness.app.drain();

    expect([listed, shown, approved, again]).toEqual([0, 0, 0, 1]);
    expect(io.lines[0]).toContain(`ack-x-${postId}  x-mentions/${postId}  P1  ${draft?.deadline}`);
    expect(io.lines[0]).toContain(JSON.stringify(draft?.text));
    expect(io.lines).toContain(`Approved ack-x-${postId}; it is queued to send.`);
    // The worker may already have sent it: either way it is no longer pending.
    expect(io.errors).toEqual([
      expect.stringMatching(/^Draft ack-x-\d+ is (approved|sent), not pending approval$/),
    ]);
    expect((await harness.brandPosts()).map((post) => post.in_reply_to_tweet_id)).toEqual([postId]);
  });
});
