import type { Config } from '../config/env.js';
import type { Logger } from '../lib/logger.js';
import { wireAppStore } from './app-store.js';
import { wireGooglePlay } from './google-play.js';
import type { PlatformWiring } from './types.js';
import { wireX, type XWiring } from './x.js';

/** Every configured platform (all three sandboxes in sandbox mode); X's wiring also carries the brand. */
export async function wirePlatforms(
  config: Readonly<Config>,
  logger: Logger,
): Promise<{ x: XWiring | null; platforms: PlatformWiring[] }> {
  const x = await wireX(config, logger);
  const others = [await wireAppStore(config, logger), await wireGooglePlay(config, logger)];
  const platforms = [x, ...others].filter((wiring): wiring is PlatformWiring => wiring !== null);
  return { x, platforms };
}
