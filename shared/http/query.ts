/** Query-string schemas shared by the data functions, and parsing that answers 400 naming the field. */
import * as z from '../zod';
import { invalidRequest } from '../app/errors';
import { CACHE_POLICIES } from '../cache/policy';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

// Any name is accepted here; unknown ones get the registry's 404 listing the supported providers.
const providerName = z.string().check(z.minLength(1), z.maxLength(64), z.describe('Provider name (GET /providers lists them); omitted: the default provider'));

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2})))?$/i;

/** Whether the calendar and clock fields exist (`Date.parse` quietly turns 2026-02-30 into March 2). */
function realCalendarFields(match: RegExpExecArray): boolean {
  const field = (i: number) => Number(match[i] ?? 0);
  const [year, month, day] = [field(1), field(2), field(3)];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const dateOk = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth;
  // Groups 4-6: hour, minute, second; 7 is the zone, 8-9 its offset hours and minutes.
  return dateOk && field(4) <= 23 && field(5) <= 59 && field(6) <= 59 && field(8) <= 23 && field(9) <= 59;
}

/** An ISO-8601 date or date-time (with offset), or epoch seconds. */
const INSTANT_FORMS = 'ISO-8601 date (2026-11-25), date-time (2026-11-25T06:00:00Z) or epoch seconds';
const instant = z.pipe(
  z.string().check(z.describe(INSTANT_FORMS)),
  z.transform((value, ctx) => {
    const trimmed = value.trim();
    let ms = Number.NaN;
    const iso = ISO_INSTANT.exec(trimmed);
    if (/^\d{1,12}$/.test(trimmed)) ms = Number(trimmed) * 1000;
    else if (iso && realCalendarFields(iso)) ms = Date.parse(trimmed);
    if (Number.isNaN(ms)) {
      ctx.issues.push({ code: 'custom', message: `must be a real ${INSTANT_FORMS}`, input: value });
      return z.NEVER;
    }
    return new Date(ms);
  }),
);

// A query string carries digits; the published schema says what they stand for.
export const intParam = (min: number, max: number) =>
  z
    .pipe(
      // Length first, so 25 digits get the same plain message rather than a float's.
      z.pipe(z.string().check(z.regex(/^\d{1,9}$/, `must be a whole number from ${min} to ${max}`)), z.transform(Number)),
      z.number().check(z.int(), z.gte(min, `must be at least ${min}`), z.lte(max, `must be at most ${max}`)),
    )
    .check(z.meta({ type: 'integer', minimum: min, maximum: max }));

export const ProviderQuerySchema = z.object({ provider: z.optional(providerName) });

export const ActivitiesQuerySchema = z
  .object({
    provider: z.optional(providerName),
    limit: z._default(intParam(1, 200), 30).check(z.describe('Activities per page (default 30)')),
    offset: z._default(intParam(0, 10_000), 0).check(z.describe('Activities to skip, newest first (default 0)')),
    before: z.optional(instant).check(z.describe(`Only activities that started before this ${INSTANT_FORMS}`)),
    after: z.optional(instant).check(z.describe(`Only activities that started after this ${INSTANT_FORMS}`)),
  })
  .check(z.refine((q) => !q.before || !q.after || q.after < q.before, { message: 'must be earlier than before', path: ['after'] }));

const DEFAULT_RANGE_DAYS = 7;

/**
 * The start of the `days` whole UTC days that end with `end`'s day. Providers read a range as
 * whole days, both ends included, so 7 days back from `end`'s time of day would be 8 days. An
 * `end` at midnight ends the day before it.
 */
function lastDaysStart(end: Date, days: number): Date {
  const lastDay = Math.floor((end.getTime() - 1) / DAY_MS);
  return new Date((lastDay - (days - 1)) * DAY_MS);
}

export const DateRangeQuerySchema = z
  .pipe(
    z.object({
      provider: z.optional(providerName),
      start: z.optional(instant).check(z.describe(`Start of the range (default: the start of the 7 whole UTC days that end with end's day); ${INSTANT_FORMS}`)),
      end: z.optional(instant).check(z.describe(`End of the range (default: the next full hour); ${INSTANT_FORMS}`)),
    }),
    z.transform((q) => {
      // The default end is the next full hour, not this millisecond: nothing has happened after
      // now anyway, and the same range (hence the same cache key) serves a whole hour of requests.
      const end = q.end ?? new Date(Math.ceil(Date.now() / HOUR_MS) * HOUR_MS);
      const start = q.start ?? lastDaysStart(end, DEFAULT_RANGE_DAYS);
      return { provider: q.provider, range: { start, end } };
    }),
  )
  .check(
    z.refine((q) => q.range.start <= q.range.end, { message: 'must not be after end', path: ['start'] }),
    z.refine((q) => q.range.end.getTime() - q.range.start.getTime() <= 366 * DAY_MS, { message: 'range must be at most a year', path: ['start'] }),
  );

const namedProvider = z.string().check(z.minLength(1), z.maxLength(64), z.describe('Provider name (GET /providers lists them)'));

export const ActivityPathSchema = z.object({
  provider: namedProvider,
  id: z.string().check(z.minLength(1), z.maxLength(128), z.describe("The activity's id as the activity list gives it")),
});

export const ProviderPathSchema = z.object({ provider: namedProvider });

/** `/webhooks/{provider}` (the global app) or `/webhooks/{provider}/{tenant}` (that tenant's own app). */
export const WebhookPathSchema = z.object({
  provider: namedProvider,
  tenant: z.optional(
    z.string().check(z.minLength(1), z.maxLength(256), z.describe('The tenant whose own app the provider delivers for (the URL registered with that app)')),
  ),
});

export const JobPathSchema = z.object({ id: z.uuid({ message: 'must be a job id (a UUID)' }).check(z.describe('The job_id a 202 answer gave')) });

export const ProvidersQuerySchema = z.object({
  health: z
    .pipe(
      z._default(z.enum(['true', 'false'], { error: 'must be true or false' }), 'false'),
      z.transform((value) => value === 'true'),
    )
    .check(z.describe("true: probe every configured provider and report each one's health (one cheap call per provider)")),
});

export const ConnectQuerySchema = z.object({
  return_to: z.optional(z.string().check(z.maxLength(2048))).check(z.describe('Where to send the browser after consent (an allowed origin)')),
});

/** `?cache=` as a named argument (the HTTP layer reads it with Cache-Control, in shared/cache/policy.ts). */
/** `?fallback=true`: when the provider fails or is limited, the next connected one of PIERRE_PROVIDER_FALLBACK answers. */
export const FallbackQuerySchema = z.object({
  fallback: z
    .optional(z.enum(['true', 'false'], { message: 'must be true or false' }))
    .check(
      z.describe(
        'true: when the provider fails or is limited, the next connected provider of PIERRE_PROVIDER_FALLBACK answers (the answer says so in `fallback`)',
      ),
    ),
});

export const CacheQuerySchema = z.object({
  cache: z
    .optional(z.enum(CACHE_POLICIES, { error: 'must be one of use, bypass, refresh' }))
    .check(z.describe('use (default): a fresh cached answer if there is one; refresh: fetch anew and store; bypass: fetch without touching the cache')),
});

/** A request's JSON body checked against `schema` (400 naming the field; the handler's stack already bounds its size). */
export function parseJsonBody<S extends z.ZodMiniType>(schema: S, event: { body?: string | undefined; isBase64Encoded?: boolean }): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8').toString('utf8'));
  } catch {
    throw invalidRequest('body', 'must be a JSON object');
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw invalidRequest(issue?.path.map(String).join('.') || 'body', issue?.message ?? 'invalid value');
}

export function parseInput<S extends z.ZodMiniType>(schema: S, input: unknown): z.output<S> {
  // `provider[]=x` or `provider[0]=x` would otherwise be dropped silently as an unknown key.
  const bracketed = Object.keys(input ?? {}).find((key) => key.includes('['));
  if (bracketed) throw invalidRequest(bracketed, 'array parameters are not supported; pass a single value');
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'request';
  throw invalidRequest(field, issue?.message ?? 'invalid value');
}

/** The request's JSON body (an empty one reads as `{}`); 400 when it is not JSON. */
export function jsonBody(event: { body?: string | undefined; isBase64Encoded?: boolean }): unknown {
  if (!event.body) return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw invalidRequest('body', 'must be a JSON object');
  }
}
