import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  optionalDependencies?: Record<string, string>;
}

describe('package-lock.json', () => {
  it('has no dangling optional dependencies (npm ci would refuse it; run node scripts/prune-lock.mjs)', () => {
    const lock = JSON.parse(
      readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8'),
    ) as {
      packages: Record<string, LockEntry>;
    };

    const dangling = Object.entries(lock.packages).flatMap(([location, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter(
          (name) =>
            !(`${location}/node_modules/${name}` in lock.packages) &&
            !(`node_modules/${name}` in lock.packages),
        )
        .map((name) => `${location} → ${name}`),
    );

    expect(dangling).toEqual([]);
  });
});
