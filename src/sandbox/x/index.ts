export {
  SANDBOX_X_APP_BEARER,
  SANDBOX_X_CREDENTIALS,
  SANDBOX_X_USER_TOKEN,
  type XSandboxCredentials,
} from './credentials.js';
export { DEFAULT_X_RATE_LIMITS } from './rate-limit.js';
export { startXSandbox } from './server.js';
export type {
  SandboxRequestLog,
  XEndpointKey,
  XEndpointLimits,
  XRateLimits,
  XSandbox,
  XSandboxOptions,
} from './types.js';
