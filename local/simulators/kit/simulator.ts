/**
 * Shared machinery of the provider simulators: routing, the /_sim control API used by tests
 * (faults, consent decisions, token expiry, rate limits, webhooks, request log), the
 * authorize page, and the fault -> rate-limit -> bearer-token guard in front of data routes.
 */
import * as z from '../../../shared/zod';
import { ConsentDesk, ConsentDecisionSchema, consentPage } from './consent';
import { ControlInputError, controlBody, controlInput } from './control-input';
import { FaultPlan, FaultSchema } from './faults';
import type { IssuedTokens, OAuthServer } from './oauth';
import type { WindowLimiter, WindowUsage } from './rate-windows';
import type { Snapshottable } from '../../../shared/store/snapshot';
import { bearer, json, type ProviderSimulator, type SimRequest, type SimResponse } from './types';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Matched against the path relative to the mount; capture groups become `params`. */
  path: RegExp;
  handle: (request: SimRequest, params: string[]) => Promise<SimResponse> | SimResponse;
}

interface AuthorizeOptions {
  /** Separator of the `scope` query parameter the client sends. */
  scopeSeparator: string | RegExp;
  /** Strava puts the granted scopes on the redirect back; most providers do not. */
  scopeInRedirect?: { separator: string };
  /** The provider's own consent page; the kit's plain one when absent. */
  page?: (args: { title: string; action: string; query: URLSearchParams; scopes: string[] }) => string;
}

type Guarded = { grant: IssuedTokens; headers: Record<string, string> } | { response: SimResponse };

const WebhookRequestSchema = z.object({ target: z.url(), event: z.unknown() });

export abstract class SimulatorBase implements ProviderSimulator, Snapshottable {
  abstract readonly name: string;
  abstract readonly displayName: string;
  readonly faults = new FaultPlan();
  readonly consent = new ConsentDesk();
  readonly requestLog: { method: string; path: string }[] = [];
  private outage = false;
  private userCounter = 0;

  constructor(
    readonly oauth: OAuthServer,
    readonly limiter: WindowLimiter,
    protected readonly now: () => number,
  ) {}

  abstract env(mountUrl: string): Record<string, string>;
  protected abstract routes(): Route[];
  /** The provider's own answer to a request over its rate limit. */
  protected abstract rateLimited(usage: WindowUsage[]): SimResponse;
  /** The provider's rate-limit usage headers on every data response. */
  protected abstract usageHeaders(usage: WindowUsage[]): Record<string, string>;
  /** Signs and posts a webhook the way the provider does; returns the receiver's status. */
  protected abstract deliverWebhook(target: string, event: unknown): Promise<number>;
  /** Rate-limit bucket of a request: the app (Strava) or the user (Fitbit). */
  protected rateLimitKey(grant: IssuedTokens): string {
    return grant.clientId;
  }

  private cachedRoutes: Route[] | undefined;

  async handle(request: SimRequest): Promise<SimResponse> {
    const path = request.url.pathname;
    if (path.startsWith('/_sim/')) return this.control(request, path.slice('/_sim/'.length));
    this.requestLog.push({ method: request.method, path: `${path}${request.url.search}` });
    if (this.outage) return json(503, { message: 'Service Unavailable' });
    this.cachedRoutes ??= this.routes();
    let pathMatched = false;
    for (const route of this.cachedRoutes) {
      const match = route.path.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (route.method === request.method)
        return route.handle(
          request,
          match.slice(1).map((p) => decodeURIComponent(p ?? '')),
        );
    }
    return json(pathMatched ? 405 : 404, { message: pathMatched ? 'Method Not Allowed' : 'Record Not Found' });
  }

  private async control(request: SimRequest, action: string): Promise<SimResponse> {
    try {
      return await this.runControl(request, action, controlBody(request));
    } catch (error) {
      if (error instanceof ControlInputError) return json(400, { message: error.message });
      throw error;
    }
  }

  private async runControl(request: SimRequest, action: string, body: unknown): Promise<SimResponse> {
    switch (`${request.method} ${action}`) {
      case 'POST faults':
        this.faults.add(controlInput(FaultSchema, body));
        return json(204, undefined);
      case 'DELETE faults':
        this.faults.clear();
        return json(204, undefined);
      case 'POST consent':
        this.consent.push(controlInput(ConsentDecisionSchema, body));
        return json(204, undefined);
      case 'POST expire-tokens':
        this.oauth.expireAccessTokens();
        return json(204, undefined);
      case 'POST rate-limits':
        this.limiter.setLimits(controlInput(z.record(z.string(), z.number().check(z.int(), z.gte(0))), body));
        this.limiter.reset();
        return json(204, undefined);
      case 'POST outage':
        // The whole provider down (every route, the API root included) until cleared.
        this.outage = controlInput(z.object({ down: z.boolean() }), body).down;
        return json(204, undefined);
      case 'POST clients': {
        const client = controlInput(z.object({ client_id: z.string().check(z.minLength(1)), client_secret: z.string().check(z.minLength(1)) }), body);
        this.oauth.putClient({ clientId: client.client_id, clientSecret: client.client_secret });
        return json(204, undefined);
      }
      case 'GET clients':
        // Client ids and how many tokens each was issued; never a secret.
        return json(200, Object.fromEntries(this.oauth.issuedByClient));
      case 'GET requests':
        return json(200, this.requestLog);
      case 'DELETE requests':
        this.requestLog.length = 0;
        return json(204, undefined);
      case 'POST webhooks': {
        const { target, event } = controlInput(WebhookRequestSchema, body);
        const host = new URL(target).hostname;
        if (host !== '127.0.0.1' && host !== 'localhost') return json(400, { message: 'webhooks go to loopback only' });
        return json(200, { status: await this.deliverWebhook(target, event) });
      }
      default:
        return (await this.extraControl(request, action, body)) ?? json(404, { message: `unknown control ${request.method} /_sim/${action}` });
    }
  }

  /** A simulator's own controls beyond the shared ones; undefined for an unknown action. */
  protected extraControl(_request: SimRequest, _action: string, _body: unknown): Promise<SimResponse | undefined> | SimResponse | undefined {
    return undefined;
  }

  /** 1, 2, 3...: the number behind each new user's id (kept across restarts with the grants). */
  protected nextUserNumber(): number {
    this.userCounter += 1;
    return this.userCounter;
  }

  protected newUserId(): string {
    return `${this.nextUserNumber()}`;
  }

  snapshot(): unknown {
    return { oauth: this.oauth.snapshot(), users: this.userCounter };
  }

  restore(data: unknown): void {
    const held = (data ?? {}) as { oauth?: unknown; users?: unknown };
    this.oauth.restore(held.oauth);
    this.userCounter = typeof held.users === 'number' ? held.users : 0;
  }

  /** The authorize endpoint: consent page for browsers, scripted or automatic consent otherwise. */
  protected authorize(request: SimRequest, options: AuthorizeOptions): SimResponse {
    const query = request.url.searchParams;
    const failure = this.oauth.checkAuthorize(query);
    if (failure) return json(400, { error: failure.error, error_description: failure.description });
    const requested = (query.get('scope') ?? '').split(options.scopeSeparator).filter(Boolean);
    const fromPage = query.get('decision');
    const wantsPage = String(request.headers.accept ?? '').includes('text/html');
    if (!fromPage && wantsPage) {
      return {
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: (options.page ?? consentPage)({ title: this.displayName, action: request.url.pathname.split('/').pop() ?? '', query, scopes: requested }),
      };
    }
    const decision = fromPage
      ? { approve: fromPage === 'allow', scopes: query.getAll('granted'), user_id: undefined }
      : (this.consent.take() ?? { approve: true, scopes: undefined, user_id: undefined });
    const back = new URL(query.get('redirect_uri')!);
    const state = query.get('state');
    if (state !== null) back.searchParams.set('state', state);
    if (!decision.approve) {
      back.searchParams.set('error', 'access_denied');
      return { status: 302, headers: { location: back.toString() } };
    }
    const granted = decision.scopes ? requested.filter((s) => decision.scopes!.includes(s)) : requested;
    const code = this.oauth.issueCode(query, decision.user_id ?? this.newUserId(), granted);
    back.searchParams.set('code', code);
    if (options.scopeInRedirect) back.searchParams.set('scope', granted.join(options.scopeInRedirect.separator));
    return { status: 302, headers: { location: back.toString() } };
  }

  /** Faults, then rate limit, then the bearer token: what stands before every data route. */
  protected async guard(request: SimRequest, accessToken = bearer(request)): Promise<Guarded> {
    const fault = await this.faults.next();
    if (fault.kind === 'respond') return { response: fault.response };
    const grant = this.oauth.authenticate(accessToken);
    if (!grant) return { response: this.unauthorized() };
    if (fault.kind === 'rate_limit') {
      const { usage } = this.limiter.hit(`fault:${Math.random()}`);
      // The shortest window (listed first) runs out, as after a burst.
      return { response: this.rateLimited(usage.map((w, i) => (i === 0 ? { ...w, used: w.limit } : w))) };
    }
    const hit = this.limiter.hit(this.rateLimitKey(grant));
    if (!hit.allowed) return { response: this.rateLimited(hit.usage) };
    return { grant, headers: this.usageHeaders(hit.usage) };
  }

  protected unauthorized(): SimResponse {
    return json(401, { message: 'Authorization Error', errors: [{ resource: 'Application', field: 'access_token', code: 'invalid' }] });
  }
}
