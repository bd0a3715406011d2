export { DEFAULT_PLAY_LIMITS, nextPacificMidnight, pacificDayStart } from './quota.js';
export { MAX_REPLY_CHARACTERS } from './reviews.js';
export { startGooglePlaySandbox } from './server.js';
export { createSandboxServiceAccount, type SandboxServiceAccountKey } from './service-account.js';
export type {
  GooglePlaySandbox,
  GooglePlaySandboxOptions,
  PlayLimits,
  PlayRequestLog,
} from './types.js';
