import { describe, expect, it } from 'vitest';
import { parseBackfillArgs } from '../../src/cli/backfill.js';

const NOW = new Date('2026-11-21T12:00:00.000Z');

describe('earshot backfill arguments', () => {
  it.each`
    source           | since                     | expected
    ${'x-mentions'}  | ${'2026-11-01'}           | ${{ source: 'x-mentions', since: new Date('2026-11-01T00:00:00.000Z') }}
    ${'google-play'} | ${'2026-11-20T08:00:00Z'} | ${{ source: 'google-play', since: new Date('2026-11-20T08:00:00.000Z') }}
    ${'x-search'}    | ${'2026-11-01'}           | ${{ error: '--source must be one of x-mentions, app-store, google-play (got "x-search")' }}
    ${'app-store'}   | ${'last week'}            | ${{ error: '--since must be a date like 2026-11-01 or 2026-11-01T08:00:00Z (got "last week")' }}
    ${'app-store'}   | ${'2027-01-01'}           | ${{ error: '--since 2027-01-01 is in the future' }}
  `('$source --since $since', ({ source, since, expected }) => {
    const parsed = parseBackfillArgs(source as string, since as string, NOW);

    expect(parsed).toEqual(expected);
  });
});
