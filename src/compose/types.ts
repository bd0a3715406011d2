import type { Source } from '../sources/types.js';
import type { DmResponder, PublicReplyResponder } from '../responders/types.js';

/** What one platform contributes to the app: its feeds, its outbound channels, and a sandbox when faked. */
export interface PlatformWiring {
  name: string;
  sources: Array<{ source: Source; everyMs: number }>;
  responders: PublicReplyResponder[];
  dmResponders: DmResponder[];
  /** Base URL of the local sandbox standing in for the platform, or null when live. */
  sandboxUrl: string | null;
  close(): Promise<void>;
}
