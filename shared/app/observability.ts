/** Observability singletons shared by every function (one logger and one metrics sink per container). */
import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import type { CacheObserver } from '../cache/caching-provider';

const serviceName = process.env['POWERTOOLS_SERVICE_NAME'] ?? 'pierre-providers';

export const logger = new Logger({ serviceName });

let metrics: Metrics | undefined;

/** EMF metrics on Lambda; off elsewhere (local server, tests) unless POWERTOOLS_METRICS_DISABLED=false. */
function metricsSink(): Metrics | undefined {
  const enabled = process.env['AWS_LAMBDA_FUNCTION_NAME'] !== undefined || process.env['POWERTOOLS_METRICS_DISABLED'] === 'false';
  if (!enabled) return undefined;
  return (metrics ??= new Metrics({ namespace: process.env['POWERTOOLS_METRICS_NAMESPACE'] ?? 'Pierre', serviceName }));
}

/** Cache hits, misses, stale serves and fill waits per provider and resource (one EMF record each). */
export const cacheObserver: CacheObserver = {
  count(metric, provider, resource) {
    const sink = metricsSink();
    if (!sink) return;
    const single = sink.singleMetric();
    single.addDimensions({ provider, resource });
    single.addMetric(metric, MetricUnit.Count, 1);
  },
  warn(message, attributes) {
    logger.warn(message, attributes);
  },
};

/** 1 when a provider answered its health check, 0 when not (the stack alarms on it). */
export function providerHealthMetric(provider: string, healthy: boolean): void {
  const sink = metricsSink();
  if (!sink) return;
  const single = sink.singleMetric();
  single.addDimensions({ provider });
  single.addMetric('ProviderHealthy', MetricUnit.Count, healthy ? 1 : 0);
}
