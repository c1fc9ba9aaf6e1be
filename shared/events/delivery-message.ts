/** The delivery queue's message: one attempt of one event to one endpoint, carrying its retry state. */
import * as z from '../zod';
import type { StoredEvent } from './ports';

const DeliveryMessageSchema = z.object({
  tenant: z.string(),
  event: z.string(),
  endpoint: z.string(),
  attempt: z.number().check(z.int(), z.positive()),
  /** When the first attempt of this delivery (or of its resend) was due: the 3-day window counts from it. */
  first_ms: z.number(),
  due_ms: z.number(),
});
export type DeliveryMessage = z.infer<typeof DeliveryMessageSchema>;

export function deliveryMessage(d: {
  event: Pick<StoredEvent, 'id' | 'tenantId'>;
  endpointId: string;
  attempt: number;
  firstMs: number;
  dueMs: number;
}): string {
  const message: DeliveryMessage = {
    tenant: d.event.tenantId,
    event: d.event.id,
    endpoint: d.endpointId,
    attempt: d.attempt,
    first_ms: d.firstMs,
    due_ms: d.dueMs,
  };
  return JSON.stringify(message);
}

/** The message, or undefined when it is not one. */
export function readDeliveryMessage(body: string): DeliveryMessage | undefined {
  try {
    const parsed = DeliveryMessageSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
