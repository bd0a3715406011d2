import { z } from 'zod';
import { NOTIFY_KINDS, NotifyEvent } from '../notify/types.js';

/**
 * The body of one earshot webhook: `type` is `earshot.<kind>`, `id` the event id (also in
 * `x-earshot-delivery`), `data` the NotifyEvent. Receivers parse it after verifying the signature.
 *
 * @example
 * const delivery = WebhookDelivery.parse(JSON.parse(rawBody));
 */
export const WebhookDelivery = z.object({
  type: z.enum(NOTIFY_KINDS.map((kind) => `earshot.${kind}` as const)),
  id: z.string().min(1),
  data: NotifyEvent,
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;
