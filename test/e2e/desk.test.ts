import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relabelCase } from '../../src/app/relabel.js';
import { createDeskServer } from '../../src/desk/server.js';
import { packageRoot } from '../../src/lib/package-root.js';
import { redisKeys } from '../../src/store/keys.js';
import { createUserStore } from '../../src/store/users.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const PASSWORD = 'correct horse battery staple';
const DAY = 24 * 60 * 60 * 1000;
const MINUTE = 60 * 1000;
// docs/screenshots is refreshed on request (`UPDATE_SCREENSHOTS=1 npm run test:e2e`); other runs write to a
// temp folder, so a test run leaves the working tree clean while still rendering every page.
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(packageRoot(), 'docs', 'screenshots')
    : mkdtempSync(join(tmpdir(), 'earshot-screenshots-'));
const XSS = '<script>window.__pwned=1</script><b>bold</b><img src=x onerror=alert(1)>';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A week of traffic: what each day brings, and how people handled it. */
const HISTORY = [
  { text: '@acme my delivery is two weeks late and nobody tells me why', author: 'priya_k' },
  {
    text: '@acme the website is down for me, cannot check my order',
    author: 'tom_h',
    approveAfter: 20,
  },
  { text: '@acme it would be nice if the app had a dark mode', author: 'lena_w' },
  {
    text: '@acme the app is down again, outage for everyone here',
    author: 'marc_d',
    approveAfter: 95,
  },
  { text: '@acme my parcel arrived damaged and the box was soaked', author: 'ines_r' },
  { text: '@acme love the new update, thanks!', author: 'sam_b' },
  { text: '@acme checkout is broken, the app is down and I cannot pay', author: 'olu_a' },
  {
    text: '@acme the site keeps timing out since this morning, is it down?',
    author: 'kai_m',
    approveAfter: 35,
  },
];

let offsetMs = -6 * DAY;
let harness: Harness;
let server: FastifyInstance;
let base: string;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
const cspViolations: string[] = [];
const pageErrors: string[] = [];
const dialogs: string[] = [];
const today = {} as Record<'approve' | 'edit' | 'reject' | 'xss' | 'extra', string>;

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

async function ingest(): Promise<void> {
  await harness.app.pollOnce('x-mentions');
  await harness.app.pollOnce('x-search');
  await harness.app.drain();
}

/** Six days of history on a clock that runs ahead, then today's drafts for the browser to work on. */
async function seed(): Promise<void> {
  let counter = 0;
  for (let day = 6; day >= 1; day -= 1) {
    offsetMs = -day * DAY + 9 * 60 * MINUTE;
    const items = HISTORY.filter((_item, index) => (index + day) % 3 !== 0);
    const ids = new Map<string, number | undefined>();
    for (const item of items) {
      counter += 1;
      const id = await harness.mention(item.text, {
        username: `${item.author}${counter}`.slice(0, 15),
        name: item.author.replace('_', ' '),
        followers_count: 40 + counter * 7,
      });
      ids.set(id, item.approveAfter);
    }
    if (day % 2 === 0) {
      await harness.post('acme support never answers, my order is lost', {
        username: `watcher${day}`,
        name: 'Watcher',
      });
    }
    await ingest();
    const pending = await harness.app.drafts.list({ status: 'pending_approval' });
    for (const minutes of [...new Set([...ids.values()])].sort((a, b) => (a ?? 0) - (b ?? 0))) {
      if (minutes === undefined) {
        continue;
      }
      offsetMs = -day * DAY + 9 * 60 * MINUTE + minutes * MINUTE;
      for (const draft of pending) {
        if (ids.get(draft.mentionId) === minutes) {
          await harness.app.drafts.approve(draft.id, { name: 'ana', role: 'approver' });
        }
      }
    }
    await harness.app.drain();
    for (const draft of await harness.app.drafts.list({ status: 'pending_approval' })) {
      await harness.app.drafts.reject(
        draft.id,
        { name: 'ana', role: 'approver' },
        'Handled by phone',
      );
    }
  }
  // People check a few decisions: three confirmed, one corrected (triage accuracy 75 %).
  const recent = await harness.app.context.cases.list(4);
  for (const [index, caseId] of recent.entries()) {
    const [key = ''] = await harness.app.context.cases.mentionKeys(caseId);
    const stored = await harness.app.context.mentions.get('x-mentions', key.split(':')[1] ?? '');
    const corrected = index === 0;
    await relabelCase(harness.app.context, {
      caseId,
      complaint: 1,
      category: corrected ? 'billing' : (stored?.classification?.category ?? null),
      severity: corrected ? 'P2' : (stored?.classification?.severity ?? null),
      by: 'ana',
    });
  }

  offsetMs = 0;
  today.approve = await harness.mention('@acme the website is down for me', {
    username: 'sam_rivera',
    name: 'Sam Rivera',
    followers_count: 312,
  });
  today.edit = await harness.mention('@acme the app is down again, outage for everyone', {
    username: 'noor_a',
    name: 'Noor Aziz',
    followers_count: 1280,
  });
  today.reject = await harness.mention('@acme your site is down and I need my tickets', {
    username: 'jo_park',
    name: 'Jo Park',
  });
  today.xss = await harness.mention(`@acme ${XSS} the website is down`, {
    username: 'mallory',
    name: `Mallory ${XSS}`.slice(0, 50),
  });
  today.extra = await harness.mention('@acme is the website down? nothing loads', {
    username: 'ravi_s',
    name: 'Ravi S',
    verified: true,
    followers_count: 25_400,
  });
  await ingest();
}

async function draftFor(mentionId: string): Promise<string> {
  const drafts = await harness.app.drafts.list({ status: 'pending_approval' });
  const draft = drafts.find((item) => item.mentionId === mentionId && item.kind === 'first-reply');
  if (draft === undefined) {
    throw new Error(`No pending draft for ${mentionId}`);
  }
  return draft.id;
}

async function screenshot(name: string, fullPage = false): Promise<void> {
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

async function selectDraft(id: string): Promise<void> {
  await page.click(`[data-draft-id="${id}"]`);
  await page.waitForSelector(`[data-draft-id="${id}"].selected`);
  await page.waitForSelector('[data-testid="draft-detail"] [data-testid="post"]');
}

beforeAll(async () => {
  harness = await startHarness({ clock: () => Date.now() + offsetMs, searchQueries: ['acme'] });
  await harness.app.start({ schedule: false });
  const users = createUserStore(harness.redis, redisKeys(harness.prefix), {
    scrypt: { N: 1024, r: 8, p: 1 },
  });
  await users.addUser('ana', 'approver', PASSWORD);
  await users.addUser('ada', 'admin', PASSWORD);
  await seed();
  server = createDeskServer({
    app: harness.app,
    users,
    logger: harness.app.context.logger,
    eventsPollMs: 250,
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;

  mkdirSync(SCREENSHOTS, { recursive: true });
  userDataDir = mkdtempSync(join(tmpdir(), 'earshot-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1366, height: 900 },
    baseURL: base,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      cspViolations.push(message.text());
    }
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
});

afterAll(async () => {
  await context?.close();
  await server?.close();
  await harness?.close();
  if (userDataDir !== undefined) {
    rmSync(userDataDir, { recursive: true, force: true });
  }
});

describe('the desk in a real browser', () => {
  it('refuses an action without a session, and sends the page to sign-in', async () => {
    const id = await draftFor(today.approve);

    await page.goto('/');
    await page.waitForURL(/\/login/);
    const status = await page.evaluate(
      async (url) => (await fetch(url, { method: 'POST' })).status,
      `/api/drafts/${id}/approve`,
    );

    expect(status).toBe(401);
    expect((await harness.app.drafts.get(id))?.status).toBe('pending_approval');
    await page.waitForSelector('form.login-card');
    await screenshot('login');
  });

  it('signs in and shows the inbox sorted by deadline with live countdowns', async () => {
    await page.fill('input[name="name"]', 'ana');
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');

    await page.waitForSelector('[data-testid="draft-item"]');
    const items = await page.locator('[data-testid="draft-item"]').count();
    expect(items).toBeGreaterThanOrEqual(5);
    const first = await page.locator('.draft-item .countdown').first().textContent();
    await page.waitForTimeout(1100);
    const later = await page.locator('.draft-item .countdown').first().textContent();
    expect(later).not.toBe(first);
    await selectDraft(await draftFor(today.approve));
    await expect
      .poll(() => page.locator('[data-testid="char-count"]').textContent())
      .toMatch(/^\d+\/280$/);
    await screenshot('inbox');
  });

  it('approves with the keyboard, and the reply appears in the X sandbox', async () => {
    const id = await draftFor(today.approve);
    await selectDraft(id);

    await page.keyboard.press('a');
    await page.waitForSelector('.flash');
    const reply = await waitFor(async () => {
      const posts = await harness.brandPosts();
      return posts.find((post) => post.in_reply_to_tweet_id === today.approve);
    }, 'the reply in the sandbox');

    const draft = await waitFor(async () => {
      const current = await harness.app.drafts.get(id);
      return current?.status === 'sent' ? current : undefined;
    }, 'the draft marked sent');
    expect(draft).toMatchObject({ status: 'sent', decidedBy: 'ana', text: reply.text });
    const audit = await harness.app.context.audit.forCase(draft?.caseId ?? '');
    expect(audit).toEqual(
      expect.arrayContaining([expect.objectContaining({ outcome: 'approved', actor: 'ana' })]),
    );
  });

  it('edits a draft: a new pending draft with the person’s text', async () => {
    const id = await draftFor(today.edit);
    await selectDraft(id);
    const text =
      'Hi Noor, sorry the app is down. Our engineers are on it; we will post here when it is back.';

    await page.keyboard.press('e');
    await page.fill('[data-testid="edit-text"]', text);
    await expect
      .poll(() => page.locator('[data-testid="char-count"]').textContent())
      .toBe(`${text.length}/280`);
    await page.click('[data-testid="save-edit"]');
    await page.waitForSelector('.flash');

    const edited = await waitFor(async () => {
      const drafts = await harness.app.drafts.list({ status: 'pending_approval' });
      return drafts.find((draft) => draft.editedFrom === id);
    }, 'the edited draft');
    expect(edited).toMatchObject({ text, origin: 'edited', createdBy: 'ana' });
    expect((await harness.app.drafts.get(id))?.status).toBe('superseded');
    await page.waitForSelector(`[data-draft-id="${edited.id}"].selected`);
    expect(await page.locator('[data-testid="draft-text"]').textContent()).toBe(text);
  });

  it('rejects a draft with a note, recorded with the person', async () => {
    const id = await draftFor(today.reject);
    await selectDraft(id);

    await page.keyboard.press('r');
    await page.fill('[data-testid="reject-note"]', 'Tickets question: the events team answers');
    await page.click('[data-testid="confirm-reject"]');
    await page.waitForSelector('.flash');

    const draft = await waitFor(async () => {
      const current = await harness.app.drafts.get(id);
      return current?.status === 'rejected' ? current : undefined;
    }, 'the rejection');
    expect(draft).toMatchObject({
      decidedBy: 'ana',
      note: 'Tickets question: the events team answers',
    });
    expect(await page.locator(`[data-draft-id="${id}"]`).count()).toBe(0);
  });

  it('shows a new draft without a reload', async () => {
    const marker = await page.evaluate(() => {
      (globalThis as unknown as { __sameDocument: boolean }).__sameDocument = true;
      return true;
    });
    const mentionId = await harness.mention('@acme the website is down for me', {
      username: 'late_comer',
      name: 'Late Comer',
    });
    await ingest();
    const id = await draftFor(mentionId);

    await page.waitForSelector(`[data-draft-id="${id}"]`, { timeout: 10_000 });
    expect(marker).toBe(true);
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { __sameDocument?: boolean }).__sameDocument,
      ),
    ).toBe(true);
  });

  it('renders markup and scripts in a post as text, never as elements', async () => {
    const draftId = await draftFor(today.xss);
    await selectDraft(draftId);
    const inbox = page.locator('[data-testid="draft-detail"] [data-testid="post"]');
    await expect.poll(() => inbox.textContent()).toContain('<script>window.__pwned=1</script>');

    const draft = await harness.app.drafts.get(draftId);
    await page.goto(`/cases/${draft?.caseId}`);
    const post = page.locator('[data-testid="post"]').first();
    await post.waitFor();

    expect(await post.textContent()).toContain('<script>window.__pwned=1</script><b>bold</b>');
    expect(await post.textContent()).toContain('<img src=x onerror=alert(1)>');
    expect(await post.locator('b, img, script').count()).toBe(0);
    expect(await inbox.count()).toBe(0);
    expect(
      await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned),
    ).toBeUndefined();
    expect(dialogs).toEqual([]);
  });

  it.each`
    name          | path           | ready
    ${'case'}     | ${'case'}      | ${'[data-testid="timeline"]'}
    ${'cases'}    | ${'/cases'}    | ${'[data-testid="case-row"]'}
    ${'people'}   | ${'/people'}   | ${'[data-testid="person-item"]'}
    ${'metrics'}  | ${'/sla'}      | ${'.chart canvas'}
    ${'settings'} | ${'/settings'} | ${'.checks .check'}
  `('shows the $name page (screenshot in docs/screenshots)', async ({ name, path, ready }) => {
    const target =
      path === 'case'
        ? `/cases/${(await harness.app.drafts.get(await draftFor(today.extra)))?.caseId}`
        : (path as string);

    await page.goto(target);
    await page.waitForSelector(ready as string, { timeout: 15_000 });

    await screenshot(name as string, name === 'metrics' || name === 'case');
  });

  it('resolves a case from the case page, without a reload', async () => {
    const caseId = (await harness.app.drafts.get(await draftFor(today.extra)))?.caseId ?? '';
    await page.goto(`/cases/${encodeURIComponent(caseId)}`);
    await page.waitForSelector('[data-testid="state-actions"] button[data-state="resolved"]');
    await page.evaluate(() => {
      (globalThis as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });

    await page.fill('[data-testid="state-note"]', 'Site back up; customer confirmed');
    await page.click('[data-testid="state-actions"] button[data-state="resolved"]');
    await page.waitForSelector('[data-testid="state-actions"] button[data-state="closed"]');

    expect(await page.locator('.badge-state-resolved').count()).toBe(1);
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { __sameDocument?: boolean }).__sameDocument,
      ),
    ).toBe(true);
    const record = await harness.app.context.cases.get(caseId);
    expect(record).toMatchObject({ state: 'resolved', resolvedAt: expect.any(String) });
    expect((await harness.app.context.audit.forCase(caseId)).at(-1)).toMatchObject({
      outcome: 'state_changed',
      reason: 'case-resolved',
      actor: 'ana',
      detail: 'new → resolved: Site back up; customer confirmed',
    });
  });

  it('sends the page to sign-in when the session is gone and an action is refused', async () => {
    await page.goto('/');
    await page.waitForSelector('[data-testid="draft-item"].selected');
    await context.clearCookies();

    await page.keyboard.press('a');

    await page.waitForURL(/\/login/);
    const remaining = await harness.app.drafts.list({ status: 'pending_approval' });
    expect(remaining.length).toBeGreaterThan(0);
  });

  it('kept to the content security policy and threw no errors', () => {
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('shows Bull Board to an admin (read-only, under the same CSP)', async () => {
    await page.goto('/login');
    await page.fill('input[name="name"]', 'ada');
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="draft-item"]');

    await page.goto('/admin/queues');
    await page.getByText('watchdog').first().waitFor();

    await screenshot('queues');
  });
});
