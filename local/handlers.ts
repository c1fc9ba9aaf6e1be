/** Every function file by name, so the local server runs exactly the code Lambda runs. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { FunctionName } from '../functions/routes';

type HttpLambda = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export const HANDLERS: Record<FunctionName, () => Promise<{ handler: HttpLambda }>> = {
  providers: () => import('../functions/providers'),
  connect: () => import('../functions/connect'),
  callback: () => import('../functions/callback'),
  connections: () => import('../functions/connections'),
  users: () => import('../functions/users'),
  data: () => import('../functions/data'),
  health: () => import('../functions/health'),
  mcp: () => import('../functions/mcp'),
  webhooks: () => import('../functions/webhooks'),
  jobs: () => import('../functions/jobs'),
  settings: () => import('../functions/settings'),
  web: () => import('../functions/web'),
  'tenant-providers': () => import('../functions/tenant-providers'),
  endpoints: () => import('../functions/endpoints'),
  events: () => import('../functions/events'),
};

/** A Lambda context whose remaining time runs down for real from `timeoutMs` (the stack's default). */
export function lambdaContext(functionName: string, requestId: string, timeoutMs = 10_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
