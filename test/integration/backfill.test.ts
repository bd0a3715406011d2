import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('earshot backfill', () => {
  it('imports history through the same dedupe, replying only inside the reply window', async () => {
    harness = await startHarness();
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const old = await harness.mention(
      '@acme my delivery is two weeks late',
      { username: 'old', name: 'Olga' },
      {
        created_at: threeDaysAgo,
      },
    );
    const recent = await harness.mention('@acme order arrived damaged, really disappointed', {
      username: 'new',
      name: 'Nia',
    });
    await harness.app.start({ schedule: false });
    const seen: number[] = [];

    const progress = await harness.app.backfill(
      'x-mentions',
      new Date(Date.now() - 7 * 86_400_000),
      (p) => seen.push(p.seen),
    );
    await harness.app.drain();
    const again = await harness.app.backfill('x-mentions', new Date(Date.now() - 7 * 86_400_000));
    await harness.app.drain();

    expect(progress).toMatchObject({ seen: 2, stored: 2, archivedOnly: 1, skipped: 0 });
    expect(seen.at(-1)).toBe(2);
    expect(again).toMatchObject({ seen: 2, stored: 0, archivedOnly: 0 });
    expect((await harness.brandPosts()).map((post) => post.in_reply_to_tweet_id)).toEqual([recent]);
    const archived = await harness.app.context.mentions.get('x-mentions', old);
    expect(archived?.decision).toMatchObject({ action: 'ignore', reason: 'backfilled-history' });
    expect(archived?.classification?.complaint).toBe(true);
  });
});
