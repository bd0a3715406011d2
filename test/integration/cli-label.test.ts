import { afterEach, describe, expect, it } from 'vitest';
import { runLabel } from '../../src/cli/label.js';
import { captureIo } from '../helpers/cli-io.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('earshot label', () => {
  const knownCategories = ['billing', 'delivery', 'Late Flight'];

  async function caseOfAMention(): Promise<{ caseId: string; postId: string }> {
    harness = await startHarness();
    const postId = await harness.mention('@acme where is my parcel, it is a week late');
    await harness.app.start({ schedule: false });
    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();
    return { caseId: `x-${postId}`, postId };
  }

  it('stores a correction for training and audits it with who made it', async () => {
    const { caseId, postId } = await caseOfAMention();
    const io = captureIo();
    const { context } = harness!.app;

    const code = await runLabel(
      context,
      { caseId, complaint: '1', category: 'Late Flight', by: 'cli:sam', knownCategories },
      io,
    );

    expect(code).toBe(0);
    expect(io.lines).toEqual([
      `Labelled ${caseId} (x-mentions/${postId}): complaint=1 category=Late Flight`,
    ]);
    expect(await context.labels.all()).toEqual([
      expect.objectContaining({ caseId, complaint: 1, category: 'Late Flight', by: 'cli:sam' }),
    ]);
    const audit = await context.audit.forCase(caseId);
    expect(audit.at(-1)).toMatchObject({ outcome: 'relabeled', actor: 'cli:sam' });
  });

  it.each`
    case                                 | complaint | category       | code | error
    ${'a category the classifier lacks'} | ${'1'}    | ${'nosuchcat'} | ${2} | ${'Unknown category "nosuchcat": use one of billing, delivery, Late Flight'}
    ${'a complaint that is not 0 or 1'}  | ${'yes'}  | ${undefined}   | ${2} | ${'--complaint must be 0 or 1 (got "yes")'}
    ${'a category for a non-complaint'}  | ${'0'}    | ${'billing'}   | ${2} | ${'--category names what a complaint is about: leave it out with --complaint 0'}
  `('refuses $case and stores nothing', async ({ complaint, category, code, error }) => {
    const { caseId } = await caseOfAMention();
    const io = captureIo();
    const { context } = harness!.app;

    const exit = await runLabel(
      context,
      {
        caseId,
        complaint: complaint as string,
        ...(category === undefined ? {} : { category: category as string }),
        by: 'cli:sam',
        knownCategories,
      },
      io,
    );

    expect(exit).toBe(code);
    expect(io.errors).toEqual([error]);
    expect(await context.labels.all()).toEqual([]);
  });

  it('names a case it does not know, and where to find case ids', async () => {
    await caseOfAMention();
    const io = captureIo();

    const exit = await runLabel(
      harness!.app.context,
      { caseId: 'x-1', complaint: '1', by: 'cli:sam', knownCategories },
      io,
    );

    expect(exit).toBe(1);
    expect(io.errors).toEqual(["No case x-1: find case ids on the desk's Cases page"]);
    expect(await harness!.app.context.labels.all()).toEqual([]);
  });
});
