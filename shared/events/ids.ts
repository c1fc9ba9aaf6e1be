import { randomBytes } from 'node:crypto';

/** Wide enough for epoch milliseconds until the year 5000 in base 36, so ids sort by time as text. */
const TIME_DIGITS = 9;

/**
 * `evt_<time><random>`: ids sort by publishing time as strings, which is what `GET /events?after=`
 * pages by (events of one millisecond sort by their random part).
 */
export function newEventId(nowMs: number): string {
  return `evt_${nowMs.toString(36).padStart(TIME_DIGITS, '0')}${randomBytes(8).toString('hex')}`;
}

export function newEndpointId(): string {
  return `ep_${randomBytes(12).toString('hex')}`;
}

/** An event id as this service issues them (checked before it reaches a store key). */
export const EVENT_ID_PATTERN = /^evt_[0-9a-z]{9}[0-9a-f]{16}$/;
export const ENDPOINT_ID_PATTERN = /^ep_[0-9a-f]{24}$/;
