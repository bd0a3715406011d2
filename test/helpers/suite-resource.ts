import { afterAll, beforeAll } from 'vitest';

/**
 * Starts something once for the enclosing file or describe and stops it after the last test. The getter throws
 * when called before beforeAll has run, e.g. at module level.
 *
 * @example
 * const receiver = useSuiteResource('receiver', startHttpReceiver, (started) => started.close());
 * it('records', async () => {
 *   await fetch(receiver().url);
 * });
 */
export function useSuiteResource<T>(
  name: string,
  start: () => Promise<T>,
  stop: (resource: T) => Promise<void>,
): () => T {
  let current: T | undefined;

  beforeAll(async () => {
    current = await start();
  });

  afterAll(async () => {
    if (current !== undefined) {
      await stop(current);
      current = undefined;
    }
  });

  return () => {
    if (current === undefined) {
      throw new Error(`The ${name} starts in beforeAll; use it from a hook or a test`);
    }
    return current;
  };
}
