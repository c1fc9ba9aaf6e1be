/**
 * A test-only provider that needs no connection and titles its activities at any length, so an
 * answer can be made as large as a test needs (the MCP answer-size bound).
 */
import { ActivitySchema, endDateOf, type Activity, type Athlete } from '../../shared/models';
import { BaseProvider } from '../../shared/providers/base';
import { Capability } from '../../shared/providers/capabilities';
import type { ActivityQuery, ProviderFactory } from '../../shared/providers/spi';

let titleBytes = 0;
/** How long the next activities' titles are (after a quoted prefix, which JSON escapes). */
export const setBulkyTitleBytes = (bytes: number) => {
  titleBytes = bytes;
};

const BULKY_DESCRIPTOR = {
  name: 'bulky',
  displayName: 'Bulky',
  capabilities: Capability.ACTIVITIES,
  connection: 'none' as const,
  apiBaseUrl: 'https://bulky.invalid/api',
  defaultScopes: [],
};

class BulkyProvider extends BaseProvider {
  async getAthlete(): Promise<Athlete> {
    return {
      id: 'b',
      provider: 'bulky',
      username: null,
      firstname: null,
      lastname: null,
      profile_picture: null,
      sex: null,
      weight_kg: null,
      city: null,
      country: null,
    };
  }

  async getActivity(): Promise<Activity> {
    throw new Error('not needed');
  }

  async getActivities(_session: unknown, query: ActivityQuery): Promise<Activity[]> {
    return Array.from({ length: query.limit }, (_, i) => {
      const began = new Date(Date.UTC(2026, 10, 20) - (query.offset + i) * 86_400_000).toISOString();
      return ActivitySchema.parse({
        id: `b${query.offset + i}`,
        provider: 'bulky',
        name: `"quoted" ${'x'.repeat(titleBytes)}`,
        sport_type: 'run',
        start_date: began,
        end_date: endDateOf(began, 1800),
        duration_seconds: 1800,
        distance_meters: 6000,
      });
    });
  }
}

export const bulkyFactory: ProviderFactory = { descriptor: BULKY_DESCRIPTOR, create: (config, deps) => new BulkyProvider(BULKY_DESCRIPTOR, config, deps) };
