import { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.js';

export type ConnectionRole = 'store' | 'queue' | 'worker';

/**
 * Separate connections per role (BullMQ going-to-production): workers block and must retry forever
 * (maxRetriesPerRequest: null); queues and the store fail fast when Redis is gone.
 */
export function createRedisConnection(url: string, role: ConnectionRole, logger: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableOfflineQueue: role !== 'queue',
    connectionName: `earshot-${role}`,
    lazyConnect: false,
  });
  redis.on('error', (err: Error) => {
    logger.warn({ err: { message: err.message }, role }, 'Redis connection error');
  });
  return redis;
}

/** Pings Redis once with a timeout; resolves to an error message, or null when Redis answered. */
export async function checkRedis(url: string, timeoutMs = 2000): Promise<string | null> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    probe.disconnect();
  }
}
