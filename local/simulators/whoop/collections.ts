/**
 * WHOOP v2 collection semantics: `limit` (default 10, at most 25), `start` (records that
 * occurred after or during it), `end` (records that intersect it or ended before it, default
 * now), newest first, and an opaque `nextToken` cursor; the answer is `{records, next_token}`.
 */
import { json, type SimResponse } from '../kit';
import type { Dated } from './data';

const PAGE_DEFAULT = 10;
const PAGE_MAX = 25;

function badRequest(message: string): SimResponse {
  return json(400, { message });
}

function parseInstant(value: string | null, name: string): number | SimResponse | undefined {
  if (value === null) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? badRequest(`${name} must be an ISO-8601 date-time`) : ms;
}

const encodeToken = (record: Dated) => Buffer.from(`${record.startMs}:${record.id}`, 'utf8').toString('base64url');

function decodeToken(token: string): { startMs: number; id: string } | undefined {
  const match = /^(\d+):(.+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? { startMs: Number(match[1]), id: match[2]! } : undefined;
}

/** Newest first; ties broken by id so the cursor is stable. */
const before = (a: { startMs: number; id: string }, b: { startMs: number; id: string }) =>
  a.startMs !== b.startMs ? b.startMs - a.startMs : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;

export function page(query: URLSearchParams, records: readonly Dated[], nowMs: number): SimResponse {
  const rawLimit = query.get('limit');
  let limit = PAGE_DEFAULT;
  if (rawLimit !== null) {
    if (!/^\d+$/.test(rawLimit) || Number(rawLimit) < 1) return badRequest('limit must be a positive integer');
    if (Number(rawLimit) > PAGE_MAX) return badRequest(`limit must be less than or equal to ${PAGE_MAX}`);
    limit = Number(rawLimit);
  }
  const start = parseInstant(query.get('start'), 'start');
  if (typeof start === 'object') return start;
  const end = parseInstant(query.get('end'), 'end');
  if (typeof end === 'object') return end;
  const endMs = end ?? nowMs;
  const token = query.get('nextToken');
  const cursor = token ? decodeToken(token) : undefined;
  if (token && !cursor) return badRequest('nextToken is not valid');

  const matching = records
    .filter((r) => r.startMs < endMs && (start === undefined || r.endMs >= start))
    .sort(before)
    .filter((r) => !cursor || before(cursor, r) < 0);
  const records_ = matching.slice(0, limit);
  const last = records_.at(-1);
  const body: Record<string, unknown> = { records: records_.map((r) => r.json) };
  if (matching.length > limit && last) body['next_token'] = encodeToken(last);
  return json(200, body);
}
