/**
 * cdk-nag's AwsSolutions and Serverless checks (infra/app.ts runs them at every synth; a finding fails it) and
 * the findings this stack accepts, each acknowledged on the one construct it concerns with the
 * reason it is accepted. Everything else the checks asked for is fixed in the stack instead
 * (SSL-only queues, one role per function writing only to its own log group, table grants
 * naming the index they query).
 */
import { type Stack, Validations, type App, type CfnElement } from 'aws-cdk-lib';
import type { HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { CfnEventSourceMapping, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnSubscription } from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ROUTES, type FunctionName } from '../functions/routes';
import type { LambdaName } from './functions';

export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}

/** Why each function's routes are reached without the app's JWT. */
export const PUBLIC_ROUTE_REASONS: Partial<Record<FunctionName, string>> = {
  health: 'Liveness for load balancers and uptime checks: answers provider names and circuit states, no user data',
  callback: "The provider redirects the user's browser here without the app's JWT; the single-use OAuth state (with PKCE) authenticates the request",
  webhooks: "Providers call these; each delivery is verified with the provider's own mechanism (signature, verify token or subscription id) before it is used",
  web: 'The connections page and the OpenAPI document are static; the page obtains its JWT from the embedding app and calls the authorised routes with it',
};

const ack = (scope: IConstruct, rule: string, reason: string, pack: 'AwsSolutions' | 'Serverless' = 'AwsSolutions'): void =>
  Validations.of(scope).acknowledge({ id: `${pack}::${pack}-${rule}`, reason });

const RUNTIME_PINNED = 'Pinned to nodejs22.x on purpose: the bundles target node22 and every test runs on Node 22; move with a tested upgrade';

/** Why a function needs no Lambda dead-letter queue (one applies to asynchronous invocations only), by how it is invoked. */
const NO_LAMBDA_DLQ: Record<'route' | Exclude<LambdaName, FunctionName>, string> = {
  route: 'Invoked synchronously by API Gateway: a failure is answered to the caller, there is no asynchronous event to keep',
  'retry-worker': "Polled from SQS (a synchronous invocation): a job that keeps failing moves to the retry queue's own dead-letter queue, which is alarmed on",
  'delivery-worker':
    "Polled from SQS (a synchronous invocation): a delivery it cannot handle moves to the delivery queue's own dead-letter queue, which is alarmed on",
  'health-check': 'Invoked by EventBridge Scheduler every 5 minutes: a failed probe is superseded by the next one, and ProviderHealthy alarms on missing data',
};

export interface AcknowledgedParts {
  functions: ReadonlyMap<LambdaName, IFunction>;
  /** Each function's own X-Ray policy: the only statements allowed a '*' resource. */
  xrayPolicies: Iterable<IConstruct>;
  publicRoutes: Iterable<{ fn: FunctionName; route: HttpRoute }>;
  deadLetterQueues: Iterable<IConstruct>;
  /** The role EventBridge Scheduler assumes to invoke the health check. */
  schedulerRole: IConstruct;
  healthCheck: IFunction;
}

export function acknowledgeNagFindings(stack: Stack, parts: AcknowledgedParts): void {
  const routed = new Set<string>(ROUTES.map((route) => route.fn));
  for (const [name, fn] of parts.functions) {
    ack(fn, 'L1', RUNTIME_PINNED);
    ack(fn, 'LambdaLatestVersion', RUNTIME_PINNED, 'Serverless');
    ack(fn, 'LambdaDLQ', routed.has(name) ? NO_LAMBDA_DLQ.route : NO_LAMBDA_DLQ[name as Exclude<LambdaName, FunctionName>], 'Serverless');
    for (const child of fn.node.findAll()) {
      if (child instanceof CfnEventSourceMapping) {
        ack(
          child,
          'LambdaEventSourceMappingDestination',
          "SQS redelivers a failed message; after 5 receives the queue's redrive policy moves it to its dead-letter queue, alarmed on",
          'Serverless',
        );
      }
    }
  }
  // X-Ray accepts no resource-level permissions: its two actions are granted on '*' in a policy of their own, so no other '*' hides there.
  for (const policy of parts.xrayPolicies)
    ack(policy, 'IAM5[Resource::*]', 'Active tracing: X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions');
  for (const { fn, route } of parts.publicRoutes) {
    const reason = PUBLIC_ROUTE_REASONS[fn];
    if (!reason) throw new Error(`route of ${fn} is public but infra/nag.ts gives no reason for it`);
    ack(route, 'APIG4', reason);
  }
  for (const queue of parts.deadLetterQueues) {
    ack(queue, 'SQSRedrivePolicy', 'A dead-letter queue is the end of the line: its messages are alarmed on, read and redriven by the operator', 'Serverless');
  }
  for (const child of stack.node.findAll()) {
    if (child instanceof CfnSubscription && child.protocol === 'email') {
      ack(
        child,
        'SNSRedrivePolicy',
        'An e-mail subscription: a bounced alarm e-mail is not kept, the alarm itself stays in CloudWatch and on the dashboard',
        'Serverless',
      );
    }
  }
  ack(
    parts.schedulerRole,
    `IAM5[Resource::<${stack.getLogicalId(parts.healthCheck.node.defaultChild as CfnElement)}.Arn>:*]`,
    "Scheduler's target grant covers the health-check function's versions and aliases (`<arn>:*`); lambda:InvokeFunction on that one function only",
  );
}
