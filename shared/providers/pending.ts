/**
 * Factory for a provider whose descriptor is known but whose API client is not written yet:
 * it is listed, configurable and connectable, and its data calls answer `api_error` 501.
 */
import { ProviderError, type Activity, type Athlete } from '../models';
import { BaseProvider } from './base';
import type { ProviderDescriptorInput, ProviderFactory } from './spi';

class PendingClient extends BaseProvider {
  private pending(): Promise<never> {
    return Promise.reject(
      new ProviderError({ kind: 'api_error', provider: this.name, status: 501, retryable: false, message: `The ${this.descriptor.displayName} API client is not available yet` }),
    );
  }
  getAthlete(): Promise<Athlete> {
    return this.pending();
  }
  getActivities(): Promise<Activity[]> {
    return this.pending();
  }
  getActivity(): Promise<Activity> {
    return this.pending();
  }
}

export function pendingFactory(descriptor: ProviderDescriptorInput): ProviderFactory {
  return { descriptor, create: (config, deps) => new PendingClient(descriptor, config, deps) };
}
