/** What the endpoint and event routes take and answer (the handlers parse with these; OpenAPI publishes them). */
import * as z from '../zod';
import { intParam } from '../http/query';
import { ENDPOINT_ID_PATTERN, EVENT_ID_PATTERN } from './ids';
import { EVENT_TYPES } from './ports';

const EventTypeSchema = z.enum(EVENT_TYPES, { error: `must be one of ${EVENT_TYPES.join(', ')}` });
const endpointId = z.string().check(z.regex(ENDPOINT_ID_PATTERN, 'must be an endpoint id (ep_...)'));
const eventId = z.string().check(z.regex(EVENT_ID_PATTERN, 'must be an event id (evt_...)'));

export const EndpointBodySchema = z.object({
  url: z.string().check(z.maxLength(2048), z.describe('Where events are POSTed: https (http only to a loopback address in local runs)')),
  types: z.optional(z.array(EventTypeSchema).check(z.minLength(1), z.maxLength(EVENT_TYPES.length), z.describe('The event types wanted; omitted: all'))),
});
export const EndpointPathSchema = z.object({ id: endpointId });
export const EventPathSchema = z.object({ id: eventId });

const MAX_EVENTS_PAGE = 100;
export const EventsQuerySchema = z.object({
  after: z.optional(eventId.check(z.describe('The `next` of the previous page: events published after that one'))),
  type: z.optional(EventTypeSchema),
  limit: z._default(intParam(1, MAX_EVENTS_PAGE), 50).check(z.describe(`Events examined per page (default 50, at most ${MAX_EVENTS_PAGE})`)),
});

const EndpointAnswer = z.object({
  id: z.string(),
  url: z.string(),
  types: z.union([z.array(z.string()), z.null()]).check(z.describe('null: every type')),
  created_at: z.string(),
  failing_since: z.union([z.string(), z.null()]),
  disabled_at: z.union([z.string(), z.null()]).check(z.describe('Set once every delivery failed for 3 days; a successful resend enables it again')),
});

export const EndpointCreatedAnswerSchema = z.extend(EndpointAnswer, {
  secret: z.string().check(z.describe('whsec_...: shown only in this answer; verify deliveries with it')),
});
export const EndpointsAnswerSchema = z.object({ endpoints: z.array(EndpointAnswer) });
export const SecretRotatedAnswerSchema = z.object({
  id: z.string(),
  secret: z.string().check(z.describe('The new whsec_... secret, shown only here')),
  previous_valid_until: z.string().check(z.describe('Until then deliveries carry a signature by the previous secret too')),
});
export const EndpointDeletedAnswerSchema = z.object({ id: z.string(), deleted: z.literal(true) });

const EventAnswer = z.object({
  id: z.string().check(z.describe('The deliveries’ webhook-id')),
  type: z.string(),
  timestamp: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export const EventsAnswerSchema = z.object({
  events: z.array(EventAnswer),
  next: z
    .union([z.string(), z.null()])
    .check(z.describe('Pass as `after`; null: nothing more yet (a filtered page may be short or empty and still have a next)')),
  disabled_endpoints: z
    .array(EndpointAnswer)
    .check(z.describe('Endpoints disabled for failing 3 days: they receive nothing until re-enabled by a successful resend')),
});
const AttemptAnswer = z.object({
  endpoint_id: z.string(),
  attempt: z.number(),
  at: z.string(),
  status: z.union([z.number(), z.null()]),
  latency_ms: z.number(),
  error: z.union([z.string(), z.null()]),
  outcome: z.enum(['delivered', 'retrying', 'failed']),
});
export const EventAnswerSchema = z.extend(EventAnswer, { attempts: z.array(AttemptAnswer).check(z.describe('Newest first, at most 100')) });
export const ResendAnswerSchema = z.object({ id: z.string(), endpoints: z.array(z.string()).check(z.describe('The endpoints a delivery was queued to')) });
