/** Observability singletons shared by every function (one logger and one metrics sink per container). */
import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import type { CacheObserver } from '../cache/caching-provider';
import { METRICS } from './metric-names';

const serviceName = process.env['POWERTOOLS_SERVICE_NAME'] ?? METRICS.service;

export const logger = new Logger({ serviceName });

let metrics: Metrics | undefined;

/** EMF metrics on Lambda; off elsewhere (local server, tests) unless POWERTOOLS_METRICS_DISABLED=false. */
function metricsSink(): Metrics | undefined {
  const enabled = process.env['AWS_LAMBDA_FUNCTION_NAME'] !== undefined || process.env['POWERTOOLS_METRICS_DISABLED'] === 'false';
  if (!enabled) return undefined;
  return (metrics ??= new Metrics({ namespace: process.env['POWERTOOLS_METRICS_NAMESPACE'] ?? METRICS.namespace, serviceName }));
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

/** One EMF record of one metric with these dimensions (besides `service`). */
function emit(name: string, value: number, dimensions: Record<string, string> = {}): void {
  const sink = metricsSink();
  if (!sink) return;
  const single = sink.singleMetric();
  if (Object.keys(dimensions).length > 0) single.addDimensions(dimensions);
  single.addMetric(name, MetricUnit.Count, value);
}

/** 1 when a provider answered its health check, 0 when not (the stack alarms on it). */
export function providerHealthMetric(provider: string, healthy: boolean): void {
  emit(METRICS.providerHealthy, healthy ? 1 : 0, { provider });
}

/** A 5xx the HTTP layer answered itself (Lambda's Errors never sees it): once for the alarm, once by route for the dashboard. */
export function serverErrorMetric(route: string): void {
  emit(METRICS.serverError, 1);
  emit(METRICS.serverError, 1, { route });
}

/** A read handed to the retry queue because the provider's budget or circuit said not now. */
export function readDeferredMetric(provider: string, reason: string): void {
  emit(METRICS.readDeferred, 1, { provider, reason });
}
