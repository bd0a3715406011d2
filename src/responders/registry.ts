import type { Platform } from '../core/types.js';
import type { PublicReplyResponder } from './types.js';

/** Public-reply channels by platform, one entry per adapter. */
export function createResponderRegistry(
  responders: readonly PublicReplyResponder[],
): Map<Platform, PublicReplyResponder> {
  const registry = new Map<Platform, PublicReplyResponder>();
  for (const responder of responders) {
    registry.set(responder.platform, responder);
  }
  return registry;
}
