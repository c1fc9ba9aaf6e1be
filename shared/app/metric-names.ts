/**
 * The custom metrics the functions emit (shared/app/observability.ts) and the stack alarms on
 * (infra/alarms.ts): one list, so a renamed metric cannot leave an alarm watching nothing.
 */
export const METRICS = {
  namespace: 'Pierre',
  service: 'pierre-providers',
  /** 1 when a provider answered its scheduled health check, 0 when not; dimension `provider`. */
  providerHealthy: 'ProviderHealthy',
  /** A 5xx the HTTP layer answered; with no extra dimension (for the alarm) and by `route`. */
  serverError: 'ServerError',
  /** A read deferred to a queued job; dimensions `provider` and `reason` (`rate_limited`, `circuit_open`). */
  readDeferred: 'ReadDeferred',
} as const;
