/** The scheduled health check (EventBridge Scheduler, every 5 minutes in the stack). */
import type { Context } from 'aws-lambda';
import { providerContainer } from '../shared/app/container';
import { runHealthChecks } from '../shared/app/health-check';
import { newRequestContext, runRequest } from '../shared/context/request';

export const handler = async (_event: unknown, context: Context) => {
  const container = await providerContainer();
  const request = newRequestContext({ remainingMs: context.getRemainingTimeInMillis(), now: container.deps.now });
  const results = await runRequest(request, () => runHealthChecks(container));
  return { checked: results.length, unhealthy: results.filter((r) => !r.healthy).map((r) => r.provider) };
};
