import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

import type { Mention } from '../../src/core/types.js';
import type { PollResult, Source } from '../../src/sources/types.js';

/**
 * One suite for every Source: run it from a `*.contract.test.ts` file with a factory that builds a world (a
 * sandbox or fixtures) the source reads from.
 *
 * @example
 * describeSourceContract('app-store', async () => ({ createSource, addItems, addMalformed, severalPages: 5, close }));
 */
export interface SourceContractWorld {
  /**
   * A source over this world. Called again to stand for a restarted process. With `shiftPages`, new items
   * arrive while the source pages, so later pages repeat items (where the platform pages by offset).
   */
  createSource(options?: { shiftPages?: boolean }): Source;
  /** Adds `count` well-formed items, each newer than everything before; resolves to their Mention ids. */
  addItems(count: number): Promise<string[]>;
  /** Adds one item the source must skip with a reason (missing fields, wrong types…). */
  addMalformed(): Promise<void>;
  /** An item count that takes the source several pages to read. */
  severalPages: number;
  close(): Promise<void>;
}

const Author = z.strictObject({
  id: z.string().min(1),
  username: z.string().min(1),
  name: z.string().min(1),
  followersCount: z.number().int().nonnegative().nullable(),
  verified: z.boolean(),
});

/** Mention as the pipeline relies on it: strict, so a source cannot invent fields. */
export const ContractMention = z.strictObject({
  source: z.enum(['x-mentions', 'x-search', 'app-store', 'google-play']),
  id: z.string().min(1),
  text: z.string().min(1),
  lang: z.string().min(1).nullable(),
  author: Author,
  createdAt: z.iso.datetime(),
  conversationId: z.string().min(1),
  inReplyToId: z.string().min(1).nullable(),
  mentionsBrand: z.boolean(),
  url: z.url().nullable(),
  rating: z.number().int().min(1).max(5).nullable().optional(),
  title: z.string().nullable().optional(),
  revision: z.string().min(1).nullable().optional(),
  details: z.record(z.string(), z.string()).optional(),
});

function poll(source: Source, cursor?: string): Promise<PollResult> {
  return source.poll(cursor, new AbortController().signal);
}

function idsOf(mentions: readonly Mention[]): string[] {
  return mentions.map((mention) => mention.id).sort();
}

export function describeSourceContract(
  name: string,
  factory: () => Promise<SourceContractWorld>,
): void {
  describe(`Source contract: ${name}`, () => {
    let world: SourceContractWorld;

    beforeEach(async () => {
      world = await factory();
    });

    afterEach(async () => {
      await world.close();
    });

    // A first poll without a cursor may read only the newest page, so the other cases poll once to get a cursor.
    it('maps items to valid Mentions of its own source id', async () => {
      await world.addItems(3);
      const source = world.createSource();

      const result = await poll(source);

      expect(result.mentions.length).toBeGreaterThan(0);
      for (const mention of result.mentions) {
        const parsed = ContractMention.safeParse(mention);
        expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
        expect(mention.source).toBe(source.id);
      }
    });

    it('round-trips its cursor: a restarted source sees only what is new', async () => {
      await world.addItems(1);
      const first = await poll(world.createSource());
      const added = await world.addItems(3);

      const restarted = world.createSource();
      const second = await poll(restarted, first.nextCursor);
      const third = await poll(restarted, second.nextCursor ?? first.nextCursor);

      expect(first.nextCursor).toEqual(expect.any(String));
      expect(idsOf(second.mentions)).toEqual([...added].sort());
      expect(third.mentions).toEqual([]);
    });

    it('returns each item once per poll across pages, even when pages shift', async () => {
      await world.addItems(1);
      const first = await poll(world.createSource());
      const added = await world.addItems(world.severalPages);

      const second = await poll(world.createSource({ shiftPages: true }), first.nextCursor);

      const ids = second.mentions.map((mention) => mention.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual([...added].sort());
    });

    it('skips malformed items with a reason and keeps the rest of the batch', async () => {
      await world.addItems(1);
      const first = await poll(world.createSource());
      const before = await world.addItems(1);
      await world.addMalformed();
      const after = await world.addItems(1);

      const result = await poll(world.createSource(), first.nextCursor);

      expect(idsOf(result.mentions)).toEqual([...before, ...after].sort());
      expect(result.skipped.length).toBeGreaterThan(0);
      for (const item of result.skipped) {
        expect(item.reason).toMatch(/\S/);
      }
      expect(result.nextCursor).toEqual(expect.any(String));
    });
  });
}
