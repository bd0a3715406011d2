import type { SourceId } from '../core/types.js';
import type { Source } from './types.js';

/** The sources this process polls, one entry per adapter, keyed by id. */
export function createSourceRegistry(sources: readonly Source[]): Map<SourceId, Source> {
  const registry = new Map<SourceId, Source>();
  for (const source of sources) {
    registry.set(source.id, source);
  }
  return registry;
}
