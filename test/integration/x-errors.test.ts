import { describe, expect, it } from 'vitest';
import { TransientNetworkError } from '../../src/errors.js';
import { createXClient } from '../../src/lib/x-client.js';
import { toPlatformError } from '../../src/lib/x-errors.js';
import { SANDBOX_X_CREDENTIALS } from '../../src/sandbox/x/index.js';
import { UNREACHABLE_URL } from '../helpers/harness.js';

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail');
}

describe('X errors from the real twitter-api-v2 client', () => {
  it('a request that got no answer keeps its network cause (the library hides it from requestError)', async () => {
    const client = createXClient({ kind: 'oauth1', keys: SANDBOX_X_CREDENTIALS }, UNREACHABLE_URL);
    const raw = await failureOf(client.readWrite.v2.tweet('hello'));

    const mapped = toPlatformError(raw, Date.now());

    expect(mapped).toBeInstanceOf(TransientNetworkError);
    expect((mapped as Error).message).toBe('X request failed: connect ECONNREFUSED 127.0.0.1:1');
    expect(((mapped as Error).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });
});
