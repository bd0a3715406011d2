/**
 * Errors that encode the retry decision. Processors map them onto BullMQ's control flow:
 * PolicyBlocked / DuplicateContent → UnrecoverableError; PlatformRateLimited → worker.rateLimit + RateLimitError;
 * everything else is retried with backoff.
 */

export type ErrorCode =
  | 'rate-limited'
  | 'auth-failed'
  | 'policy-blocked'
  | 'duplicate-content'
  | 'transient-network'
  | 'config-invalid'
  | 'rules-invalid';

export class EarshotError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class PlatformRateLimited extends EarshotError {
  /** Epoch milliseconds at which the platform's window resets. */
  readonly resetAt: number;

  constructor(message: string, resetAt: number, options?: { cause?: unknown }) {
    super('rate-limited', message, options);
    this.resetAt = resetAt;
  }
}

export class PlatformAuthError extends EarshotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('auth-failed', message, options);
  }
}

export class PolicyBlocked extends EarshotError {
  readonly reason: string;

  constructor(reason: string, message: string) {
    super('policy-blocked', message);
    this.reason = reason;
  }
}

export class DuplicateContent extends EarshotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('duplicate-content', message, options);
  }
}

export class TransientNetworkError extends EarshotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('transient-network', message, options);
  }
}

/** A config, rules or template file is invalid. `message` names the file, line and what was wrong. */
export class ConfigError extends EarshotError {
  constructor(message: string, code: 'config-invalid' | 'rules-invalid' = 'config-invalid') {
    super(code, message);
  }
}
