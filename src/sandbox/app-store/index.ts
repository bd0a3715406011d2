export { createSandboxAppleKeys, type SandboxAppleKeys } from './keys.js';
export { DEFAULT_HOURLY_LIMIT } from './rate-limit.js';
export { FEED_MAX_PAGES, FEED_PAGE_SIZE } from './routes/rss.js';
export { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './routes/reviews.js';
export { DEFAULT_PUBLISH_DELAY_MS, startAppStoreSandbox } from './server.js';
export type { AppStoreRequestLog, AppStoreSandbox, AppStoreSandboxOptions } from './types.js';
