/** The scheduled health check (EventBridge Scheduler, every 5 minutes in the stack). */
import { getContainer } from '../shared/app/container';
import { runHealthChecks } from '../shared/app/health-check';

export const handler = async () => {
  const results = await runHealthChecks(await getContainer());
  return { checked: results.length, unhealthy: results.filter((r) => !r.healthy).map((r) => r.provider) };
};
