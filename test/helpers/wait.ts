/** Polls `read` every 20 ms until it gives a value (not undefined or null); throws after `timeoutMs`. */
export async function waitFor<T>(
  read: () => Promise<T | undefined | null>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== null) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`waited ${timeoutMs / 1000} s in vain`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether `check` came true within `timeoutMs` (polled every 20 ms). */
export function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  return waitFor(async () => ((await check()) ? true : undefined), timeoutMs).catch(() => false);
}
