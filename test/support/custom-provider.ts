/**
 * A provider that exists only under test/: it proves a provider plugs in through the SPI and
 * the registry alone. Its "API" is a tiny HTTP server started by the test on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from '../../shared/zod';
import { ActivitySchema, endDateOf, type Activity, type Athlete } from '../../shared/models';
import { BaseProvider } from '../../shared/providers/base';
import { Capability, combine } from '../../shared/providers/capabilities';
import type { ActivityQuery, ProviderFactory, ProviderSession } from '../../shared/providers/spi';

export const ACME_DESCRIPTOR = {
  name: 'acme',
  displayName: 'Acme Fitness',
  capabilities: combine(Capability.ACTIVITIES),
  connection: 'oauth2' as const,
  oauthEndpoints: {
    authUrl: 'https://acme.invalid/oauth/authorize',
    tokenUrl: 'https://acme.invalid/oauth/token',
  },
  oauthParams: { scopeSeparator: ' ', pkce: true, extraAuthorizeParams: { prompt: 'consent' }, tokenEndpointAuth: 'body' as const },
  apiBaseUrl: 'https://acme.invalid/api',
  defaultScopes: ['workouts'],
};

const AcmeWorkoutSchema = z.object({ ref: z.string(), title: z.string(), began: z.string(), secs: z.number(), metres: z.number() });

class AcmeProvider extends BaseProvider {
  private toActivity(w: z.infer<typeof AcmeWorkoutSchema>): Activity {
    return ActivitySchema.parse({
      id: w.ref,
      provider: 'acme',
      name: w.title,
      sport_type: 'run',
      start_date: w.began,
      end_date: endDateOf(w.began, w.secs),
      duration_seconds: w.secs,
      distance_meters: w.metres,
    });
  }

  private async workouts(session: ProviderSession) {
    const { data } = await this.http.request({
      url: `${this.config.apiBaseUrl}/workouts`,
      headers: { authorization: `Bearer ${session.accessToken}` },
      schema: z.array(AcmeWorkoutSchema),
    });
    return data.map((w) => this.toActivity(w));
  }

  async getAthlete(session: ProviderSession): Promise<Athlete> {
    return {
      id: session.userId,
      provider: 'acme',
      username: null,
      firstname: 'Ada',
      lastname: null,
      profile_picture: null,
      sex: null,
      weight_kg: null,
      city: null,
      country: null,
    };
  }

  async getActivities(session: ProviderSession, query: ActivityQuery): Promise<Activity[]> {
    return (await this.workouts(session)).slice(query.offset, query.offset + query.limit);
  }

  async getActivity(session: ProviderSession, id: string): Promise<Activity> {
    const found = (await this.workouts(session)).find((a) => a.id === id);
    if (!found) throw new Error('not found');
    return found;
  }
}

export const acmeFactory: ProviderFactory = {
  descriptor: ACME_DESCRIPTOR,
  create: (config, deps) => new AcmeProvider(ACME_DESCRIPTOR, config, deps),
};

/** Acme's authorize, token and workouts endpoints, just enough for one connection. */
export async function startAcmeApi(): Promise<{ url: string; server: Server; tokensIssued: () => number }> {
  let issued = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/oauth/authorize') {
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', 'acme-code');
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.toString() }).end();
    } else if (url.pathname === '/oauth/token' && req.method === 'POST') {
      issued += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'acme-access', refresh_token: 'acme-refresh', expires_in: 3600, scope: 'workouts' }));
    } else if (url.pathname === '/api/workouts' && req.headers.authorization === 'Bearer acme-access') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify([{ ref: 'w1', title: 'Lunch run', began: '2026-11-20T12:00:00Z', secs: 1800, metres: 6000 }]));
    } else {
      res.writeHead(401).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, tokensIssued: () => issued };
}
