/** Fault injection for simulators: the next N data requests fail in a chosen way. */
import * as z from '../../../shared/zod';
import type { SimResponse } from './types';

export const FaultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status'),
    status: z._default(z.number().check(z.int(), z.gte(400), z.lte(599)), 503),
    count: z._default(z.number().check(z.int(), z.gte(1)), 1),
  }),
  z.object({ kind: z.literal('latency'), ms: z.number().check(z.int(), z.gte(1), z.lte(60_000)), count: z._default(z.number().check(z.int(), z.gte(1)), 1) }),
  z.object({ kind: z.literal('rate_limit'), count: z._default(z.number().check(z.int(), z.gte(1)), 1) }),
  /** 200 with a body that is not JSON. */
  z.object({ kind: z.literal('malformed'), count: z._default(z.number().check(z.int(), z.gte(1)), 1) }),
  /** 200 with JSON of the wrong shape. */
  z.object({ kind: z.literal('wrong_shape'), count: z._default(z.number().check(z.int(), z.gte(1)), 1) }),
]);
export type Fault = z.infer<typeof FaultSchema>;

type FaultOutcome = { kind: 'respond'; response: SimResponse } | { kind: 'rate_limit' } | { kind: 'none' };

export class FaultPlan {
  private readonly queue: Fault[] = [];

  add(fault: Fault): void {
    this.queue.push({ ...fault });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** Consumes one occurrence of the first queued fault, applying latency itself. */
  async next(): Promise<FaultOutcome> {
    const fault = this.queue[0];
    if (!fault) return { kind: 'none' };
    fault.count -= 1;
    if (fault.count <= 0) this.queue.shift();
    switch (fault.kind) {
      case 'latency':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        return { kind: 'none' };
      case 'status':
        return { kind: 'respond', response: { status: fault.status, body: { message: 'Simulated upstream failure' } } };
      case 'rate_limit':
        return { kind: 'rate_limit' };
      case 'malformed':
        return { kind: 'respond', response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"records": [ {"id": ' } };
      case 'wrong_shape':
        return { kind: 'respond', response: { status: 200, body: { unexpected: true, records: 'nope' } } };
    }
  }
}
