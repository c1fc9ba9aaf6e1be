/**
 * A stateful Terra API v2 simulator. Terra is reached with an API key (`dev-id` and
 * `x-api-key` headers), not OAuth: `POST /api/widget/session` returns a hosted widget URL (the
 * deprecated `generateWidgetSession` answers 410, as for accounts created after 2026-09-03); the widget
 * (a page for browsers, scripted consent otherwise) creates a Terra user and redirects to the
 * developer's success or failure URL with `user_id`, `resource` and `reference_id`. Data
 * endpoints take `user_id`, `start_date`, `end_date`, `to_webhook`; errors are RFC 9457
 * problem documents; reads are limited per Terra user in requested days (rules r1 and r2).
 */
import { createHmac, randomUUID } from 'node:crypto';
import * as z from '../../../shared/zod';
import { DAY_MS } from '../../../shared/providers/synthetic/generator';
import { controlInput, json, OAuthServer, SimulatorBase, type Route, type SimRequest, type SimResponse, type WindowUsage } from '../kit';
import { BUCKET, DayBudget } from './budget';
import { terraTime, UserData, userJson, type TerraUserRecord } from './render';
import { DEFAULT_RESOURCES, resultUrl, widgetPage, WidgetSessions } from './widget';

export const SIM_DEV_ID = 'sim-terra-client';
export const SIM_API_KEY = 'sim-terra-secret';
export const SIM_WEBHOOK_SECRET = 'sim-terra-webhook-secret';
const DATA_MODEL_VERSION = '2022-03-16';

type DataKind = 'activity' | 'sleep' | 'body' | 'daily';
const EVENT_TYPES = ['auth', 'deauth', 'access_revoked', 'activity', 'sleep', 'body', 'daily'] as const;
type EventType = (typeof EVENT_TYPES)[number];

const WebhookEventSchema = z.union([
  /** A payload sent exactly as given. */
  z.object({ payload: z.record(z.string(), z.unknown()), signed_at: z.optional(z.number().check(z.int())) }),
  /** A realistic event built for one of the simulator's users. */
  z.object({
    type: z.enum(EVENT_TYPES),
    user_id: z.string().check(z.minLength(1)),
    /** Data events: how many days back from now the payload covers. */
    days: z._default(z.number().check(z.int(), z.gte(1), z.lte(28)), 1),
    signed_at: z.optional(z.number().check(z.int())),
  }),
]);

function problem(status: number, title: string, request: SimRequest, detail: string, headers: Record<string, string> = {}): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: { type: 'about:blank', title, instance: `${request.url.pathname}${request.url.search}`, detail },
  };
}

/** `start_date` / `end_date`: unix seconds (10 digits) or `YYYY-MM-DD` (UTC day; an end date covers its whole day). */
function parseDateParam(value: string, end: boolean): number | undefined {
  if (/^\d{9,10}$/.test(value)) return Number(value) * 1000;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ms = Date.parse(`${value}T00:00:00Z`);
    if (Number.isNaN(ms)) return undefined;
    return end ? ms + DAY_MS - 1 : ms;
  }
  return undefined;
}

export class TerraSimulator extends SimulatorBase {
  readonly name = 'terra';
  readonly displayName = 'Terra';
  readonly budget: DayBudget;
  readonly sessions: WidgetSessions;
  /** Terra users by user_id. */
  readonly users = new Map<string, UserData>();
  private mountUrl: string | undefined;

  constructor(
    now: () => number,
    readonly webhookSecret = SIM_WEBHOOK_SECRET,
  ) {
    const budget = new DayBudget(now);
    // The kit's base class wants an OAuth server; Terra has none (API keys), so it stays idle.
    super(
      new OAuthServer({
        clients: [{ clientId: SIM_DEV_ID, clientSecret: SIM_API_KEY }],
        accessTtlSecs: 0,
        rotateRefreshTokens: false,
        requirePkce: false,
        now,
      }),
      budget,
      now,
    );
    this.budget = budget;
    this.sessions = new WidgetSessions(now);
  }

  env(mountUrl: string): Record<string, string> {
    this.mountUrl = mountUrl;
    return {
      PIERRE_TERRA_CLIENT_ID: SIM_DEV_ID,
      PIERRE_TERRA_CLIENT_SECRET: SIM_API_KEY,
      PIERRE_TERRA_AUTH_URL: `${mountUrl}/api/widget/session`,
      PIERRE_TERRA_REVOKE_URL: `${mountUrl}/v2/auth/deauthenticateUser`,
      PIERRE_TERRA_API_BASE_URL: `${mountUrl}/v2`,
      PIERRE_TERRA_WEBHOOK_SECRET: this.webhookSecret,
    };
  }

  protected routes(): Route[] {
    return [
      { method: 'POST', path: /^\/api\/widget\/session$/, handle: (r) => this.createWidgetSession(r) },
      { method: 'POST', path: /^\/v2\/auth\/generateWidgetSession$/, handle: (r) => this.retiredWidgetSession(r) },
      { method: 'GET', path: /^\/widget\/session\/([^/]+)$/, handle: (r, [id]) => this.widget(r, id!) },
      { method: 'DELETE', path: /^\/v2\/auth\/deauthenticateUser$/, handle: (r) => this.deauthenticate(r) },
      { method: 'GET', path: /^\/v2\/userInfo$/, handle: (r) => this.userInfo(r) },
      { method: 'GET', path: /^\/v2\/athlete$/, handle: (r) => this.athlete(r) },
      { method: 'GET', path: /^\/v2\/(activity|sleep|body|daily)$/, handle: (r, [kind]) => this.data(r, kind as DataKind) },
    ];
  }

  // ---- auth -----------------------------------------------------------------------------------

  private checkKey(request: SimRequest): SimResponse | undefined {
    const devId = request.headers['dev-id'];
    const apiKey = request.headers['x-api-key'];
    if (!devId || !apiKey) return problem(401, 'unauthorized', request, 'dev-id or x-api-key headers are missing');
    if (devId !== SIM_DEV_ID || apiKey !== SIM_API_KEY) return problem(401, 'unauthorized', request, 'invalid dev-id or x-api-key');
    return undefined;
  }

  private retiredWidgetSession(request: SimRequest): SimResponse {
    return problem(410, 'gone', request, 'generateWidgetSession is deprecated; use POST https://access.tryterra.co/api/widget/session');
  }

  private createWidgetSession(request: SimRequest): SimResponse {
    const denied = this.checkKey(request);
    if (denied) return denied;
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = request.body.length ? JSON.parse(request.body.toString('utf8')) : {};
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return problem(400, 'bad request', request, 'request body must be a JSON object');
    }
    const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
    for (const key of ['auth_success_redirect_url', 'auth_failure_redirect_url']) {
      const value = text(key);
      if (value !== undefined && !URL.canParse(value)) return problem(400, 'bad request', request, `invalid ${key}`);
    }
    const providers = text('providers')
      ?.split(',')
      .map((p) => p.trim().toUpperCase())
      .filter(Boolean);
    const session = this.sessions.create({
      devId: SIM_DEV_ID,
      referenceId: text('reference_id') ?? null,
      successUrl: text('auth_success_redirect_url'),
      failureUrl: text('auth_failure_redirect_url'),
      resources: providers?.length ? providers : DEFAULT_RESOURCES,
      language: text('language') ?? 'en',
    });
    return json(200, { session_id: session.id, url: `${this.base(request)}/widget/session/${session.id}` });
  }

  /** The hosted widget: a page for browsers; scripted (or automatic) consent and a 302 otherwise. */
  private widget(request: SimRequest, id: string): SimResponse {
    const session = this.sessions.live(id);
    const wantsPage = String(request.headers.accept ?? '').includes('text/html');
    if (!session) {
      return wantsPage
        ? { status: 410, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!doctype html><p>This Terra session has expired.</p>' }
        : json(404, { status: 'error', message: 'Widget session not found or expired' });
    }
    const query = request.url.searchParams;
    const fromPage = query.get('decision');
    if (!fromPage && wantsPage) {
      return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: widgetPage(session) };
    }
    const decision = fromPage ? { approve: fromPage === 'allow', user_id: undefined } : (this.consent.take() ?? { approve: true, user_id: undefined });
    const resource = (query.get('resource') ?? session.resources[0] ?? 'GARMIN').toUpperCase();
    if (!session.resources.includes(resource)) return json(400, { status: 'error', message: `${resource} is not offered by this session` });
    session.used = true;
    if (!decision.approve) {
      return { status: 302, headers: { location: resultUrl(session, { userId: null, resource, success: false }) } };
    }
    const user: TerraUserRecord = {
      user_id: decision.user_id ?? randomUUID(),
      provider: resource,
      reference_id: session.referenceId,
      created_at: terraTime(this.now(), 0),
      devId: session.devId,
    };
    this.users.set(user.user_id, new UserData(user, this.now));
    return { status: 302, headers: { location: resultUrl(session, { userId: user.user_id, resource, success: true }) } };
  }

  private deauthenticate(request: SimRequest): SimResponse {
    const denied = this.checkKey(request);
    if (denied) return denied;
    const userId = request.url.searchParams.get('user_id');
    if (!userId) return problem(400, 'bad request', request, 'user_id is required');
    if (!this.users.delete(userId)) return problem(404, 'not found', request, 'user not found');
    return json(200, { status: 'success' });
  }

  private userInfo(request: SimRequest): SimResponse {
    const denied = this.checkKey(request);
    if (denied) return denied;
    const query = request.url.searchParams;
    const userId = query.get('user_id');
    if (userId) {
      const data = this.users.get(userId);
      if (!data) return problem(404, 'not found', request, 'user not found');
      return json(200, { user: { ...userJson(data.user), last_polled_at: null, most_recent_data_at: null }, status: 'success', is_authenticated: true });
    }
    const referenceId = query.get('reference_id');
    if (referenceId) {
      return json(
        200,
        [...this.users.values()].filter((d) => d.user.reference_id === referenceId).map((d) => userJson(d.user)),
      );
    }
    return problem(400, 'bad request', request, 'user_id or reference_id is required');
  }

  // ---- data -----------------------------------------------------------------------------------

  /** Faults, then the API key, then the user, then the read budget: what stands before data. */
  private async guardData(
    request: SimRequest,
    cost: (query: URLSearchParams) => number | SimResponse,
  ): Promise<{ user: UserData; headers: Record<string, string> } | { response: SimResponse }> {
    const fault = await this.faults.next();
    if (fault.kind === 'respond') return { response: fault.response };
    const denied = this.checkKey(request);
    if (denied) return { response: denied };
    const query = request.url.searchParams;
    const userId = query.get('user_id');
    if (!userId) return { response: problem(400, 'bad request', request, 'user_id is required') };
    const user = this.users.get(userId);
    if (!user) return { response: problem(404, 'not found', request, 'user not found') };
    const days = cost(query);
    if (typeof days !== 'number') return { response: days };
    if (fault.kind === 'rate_limit') {
      const usage = this.budget.usageOf(userId);
      return { response: this.rateLimited([{ ...usage, used: usage.limit }]) };
    }
    const charge = this.budget.charge(userId, days);
    if (!charge.allowed) {
      return { response: charge.rule === 'r1' ? this.tooWide(request) : this.rateLimited([charge.usage]) };
    }
    return { user, headers: this.usageHeaders([charge.usage]) };
  }

  private async athlete(request: SimRequest): Promise<SimResponse> {
    const guarded = await this.guardData(request, () => 1);
    if ('response' in guarded) return guarded.response;
    const { user, headers } = guarded;
    if (request.url.searchParams.get('to_webhook') !== 'false') return this.sentToWebhook('athlete', user, headers);
    return json(200, { status: 'success', type: 'athlete', user: userJson(user.user), athlete: user.athleteJson() }, headers);
  }

  private async data(request: SimRequest, kind: DataKind): Promise<SimResponse> {
    let range: { startMs: number; endMs: number } | undefined;
    const guarded = await this.guardData(request, (query) => {
      const startParam = query.get('start_date');
      const start = startParam === null ? undefined : parseDateParam(startParam, false);
      if (start === undefined) return problem(400, 'bad request', request, 'invalid start_date');
      const endParam = query.get('end_date');
      const end = endParam === null ? this.now() : parseDateParam(endParam, true);
      if (end === undefined) return problem(400, 'bad request', request, 'invalid end_date');
      if (end < start) return problem(400, 'bad request', request, 'end_date is before start_date');
      range = { startMs: start, endMs: end };
      return Math.max(1, Math.ceil((end - start) / DAY_MS));
    });
    if ('response' in guarded) return guarded.response;
    const { user, headers } = guarded;
    if (request.url.searchParams.get('to_webhook') !== 'false') return this.sentToWebhook(kind, user, headers);
    const { startMs, endMs } = range!;
    return json(200, { status: 'success', type: kind, user: userJson(user.user), data: this.records(user, kind, startMs, endMs) }, headers);
  }

  private records(user: UserData, kind: DataKind, startMs: number, endMs: number): unknown[] {
    switch (kind) {
      case 'activity':
        return user.activities(startMs, endMs);
      case 'sleep':
        return user.sleep(startMs, endMs);
      case 'body':
        return user.body(startMs, endMs);
      case 'daily':
        return user.daily(startMs, endMs);
    }
  }

  /** `to_webhook` defaults to true: the data would go to the developer's destination. */
  private sentToWebhook(type: string, user: UserData, headers: Record<string, string>): SimResponse {
    const reference = randomUUID();
    return json(200, { status: 'success', type, reference, trace_id: reference, user: userJson(user.user) }, headers);
  }

  // ---- rate limits ----------------------------------------------------------------------------

  protected rateLimited(usage: WindowUsage[]): SimResponse {
    const bucket = usage.find((w) => w.name === BUCKET) ?? usage[0];
    const retryAfter = Math.max(1, (bucket?.resetsAt ?? 0) - Math.floor(this.now() / 1000));
    return json(429, { detail: 'rate limit exceeded' }, { 'x-terra-ratelimit-rule': 'r2', 'retry-after': String(retryAfter) });
  }

  /** Rule r1: a window wider than 1,825 days; retrying the same request will not help. */
  private tooWide(_request: SimRequest): SimResponse {
    return json(429, { detail: 'rate limit exceeded' }, { 'x-terra-ratelimit-rule': 'r1' });
  }

  protected usageHeaders(usage: WindowUsage[]): Record<string, string> {
    const bucket = usage.find((w) => w.name === BUCKET);
    if (!bucket) return {};
    return {
      'x-terra-ratelimit-limit': String(bucket.limit),
      'x-terra-ratelimit-remaining': String(Math.max(0, bucket.limit - bucket.used)),
      'x-terra-ratelimit-reset-after': String(Math.max(0, bucket.resetsAt - Math.floor(this.now() / 1000))),
    };
  }

  // ---- webhooks -------------------------------------------------------------------------------

  /** Signs like Terra: `terra-signature: t=<unix>,v1=hex(HMAC-SHA256(secret, "<t>.<raw body>"))`. */
  protected async deliverWebhook(target: string, event: unknown): Promise<number> {
    const parsed = controlInput(WebhookEventSchema, event, 'event');
    const payload = 'payload' in parsed ? parsed.payload : this.webhookPayload(parsed.type, parsed.user_id, parsed.days);
    const timestamp = parsed.signed_at ?? Math.floor(this.now() / 1000);
    const raw = JSON.stringify(payload);
    const signature = createHmac('sha256', this.webhookSecret).update(`${timestamp}.${raw}`).digest('hex');
    const response = await fetch(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'terra-signature': `t=${timestamp},v1=${signature}`,
        'terra-reference': randomUUID(),
      },
      body: raw,
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.status;
  }

  private webhookPayload(type: EventType, userId: string, days: number) {
    const data = this.users.get(userId);
    if (!data) throw new Error(`no simulated Terra user ${userId}`);
    const user = userJson(data.user);
    const now = this.now();
    switch (type) {
      case 'auth':
        return {
          type,
          status: 'success',
          message: 'User has successfully authenticated',
          user,
          reference_id: user.reference_id,
          widget_session_id: randomUUID(),
        };
      case 'deauth':
        return { type, status: 'success', message: 'User has deauthenticated', user: { ...user, active: false } };
      case 'access_revoked':
        // The user took Terra's access away at the source: Terra forgets them.
        this.users.delete(userId);
        return { type, status: 'warning', message: 'User revoked access', user: { ...user, active: false } };
      default:
        return { type, version: DATA_MODEL_VERSION, user, data: this.records(data, type, now - days * DAY_MS, now) };
    }
  }

  private base(request: SimRequest): string {
    return this.mountUrl ?? `http://${String(request.headers.host ?? '127.0.0.1')}/sim/${this.name}`;
  }
}
