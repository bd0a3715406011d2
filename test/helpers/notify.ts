import { NotifyFailed } from '../../src/responders/notify/errors.js';

/**
 * The NotifyFailed a delivery ends with; rethrows any other error and fails when the delivery succeeds.
 *
 * @example
 * const error = await notifyFailure(notifier.notify(EVENT));
 * expect(error.retryable).toBe(true);
 */
export async function notifyFailure(promise: Promise<unknown>): Promise<NotifyFailed> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof NotifyFailed) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the delivery to fail');
}
