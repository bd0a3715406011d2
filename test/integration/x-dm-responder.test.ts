import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createXDm } from '../../src/responders/x-dm/index.js';
import { startXSandbox, type XSandbox } from '../../src/sandbox/x/index.js';
import { BRAND, sandboxClient, seedMention } from './sandbox-x-client.js';

const START = Date.UTC(2026, 10, 22, 9, 0, 0);
let clock = START;

describe('X DM responder: reading a conversation back (real client, sandbox over HTTP)', () => {
  let sandbox: XSandbox;

  beforeAll(async () => {
    sandbox = await startXSandbox({ brand: BRAND, now: () => clock });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => {
    sandbox.reset();
    clock = START;
  });

  function responder(): ReturnType<typeof createXDm> {
    return createXDm({
      client: sandboxClient(sandbox).client.readWrite,
      brandId: BRAND.id,
      now: () => clock,
    });
  }

  async function author(username: string): Promise<string> {
    return (await seedMention(sandbox, { text: 'help', author: { username } })).author_id;
  }

  it("finds the brand's latest message written since the attempt, with X's time", async () => {
    const sam = await author('sam');
    const dm = responder();
    await dm.sendDm({ recipientId: sam, text: 'an older message' });
    clock += 10 * 60_000;
    const sent = await dm.sendDm({
      recipientId: sam,
      text: 'Hi Sam, please share your order number.',
    });

    const found = await dm.findDm({ recipientId: sam, since: new Date(clock) });

    expect(found).toEqual({
      platformId: sent.platformId,
      text: 'Hi Sam, please share your order number.',
      at: new Date(clock),
    });
  });

  it('finds nothing when the last message predates the attempt by more than the clock margin', async () => {
    const sam = await author('sam');
    const kim = await author('kim');
    const dm = responder();
    await dm.sendDm({ recipientId: sam, text: 'from yesterday' });
    clock += 5 * 60_000;
    await dm.sendDm({ recipientId: kim, text: 'to someone else, just now' });

    expect(await dm.findDm({ recipientId: sam, since: new Date(clock) })).toBeNull();
    expect(
      await dm.findDm({ recipientId: await author('lee'), since: new Date(clock) }),
    ).toBeNull();
    // Within the minute's margin still counts: clocks differ and X gives seconds.
    expect(await dm.findDm({ recipientId: kim, since: new Date(clock + 30_000) })).toMatchObject({
      text: 'to someone else, just now',
    });
  });

  it("throws a refused read as X's mapped error (the send then goes to a person)", async () => {
    const dm = createXDm({
      client: sandboxClient(sandbox, 'app-bearer').client.readWrite,
      brandId: BRAND.id,
      now: () => clock,
    });

    await expect(
      dm.findDm({ recipientId: await author('sam'), since: new Date(clock) }),
    ).rejects.toMatchObject({
      code: 'policy-blocked',
      message: expect.stringContaining('403') as unknown,
    });
  });
});
