/**
 * cdk-nag's AwsSolutions checks (infra/app.ts runs them at every synth; a finding fails it) and
 * the findings this stack accepts, each acknowledged on the one construct it concerns with the
 * reason it is accepted. Everything else the checks asked for is fixed in the stack instead
 * (SSL-only queues, one role per function writing only to its own log group, table grants
 * naming the index they query).
 */
import { type Stack, Validations, type App, type CfnElement } from 'aws-cdk-lib';
import type { HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { FunctionName } from '../functions/routes';

export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/** Why each function's routes are reached without the app's JWT. */
export const PUBLIC_ROUTE_REASONS: Partial<Record<FunctionName, string>> = {
  health: 'Liveness for load balancers and uptime checks: answers provider names and circuit states, no user data',
  callback: "The provider redirects the user's browser here without the app's JWT; the single-use OAuth state (with PKCE) authenticates the request",
  webhooks: "Providers call these; each delivery is verified with the provider's own mechanism (signature, verify token or subscription id) before it is used",
  web: 'The connections page and the OpenAPI document are static; the page obtains its JWT from the embedding app and calls the authorised routes with it',
};

const ack = (scope: IConstruct, rule: string, reason: string): void => Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-${rule}`, reason });

export interface AcknowledgedParts {
  functions: Iterable<IFunction>;
  publicRoutes: Iterable<{ fn: FunctionName; route: HttpRoute }>;
  /** The role EventBridge Scheduler assumes to invoke the health check. */
  schedulerRole: IConstruct;
  healthCheck: IFunction;
}

export function acknowledgeNagFindings(stack: Stack, parts: AcknowledgedParts): void {
  for (const fn of parts.functions) {
    ack(fn, 'L1', 'Pinned to nodejs22.x on purpose: the bundles target node22 and every test runs on Node 22; move with a tested upgrade');
    // X-Ray accepts no resource-level permissions: PutTraceSegments/PutTelemetryRecords are granted on '*' (actions are named).
    ack(fn.role!, 'IAM5[Resource::*]', 'Active tracing: X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions');
  }
  for (const { fn, route } of parts.publicRoutes) {
    const reason = PUBLIC_ROUTE_REASONS[fn];
    if (!reason) throw new Error(`route of ${fn} is public but infra/nag.ts gives no reason for it`);
    ack(route, 'APIG4', reason);
  }
  ack(
    parts.schedulerRole,
    `IAM5[Resource::<${stack.getLogicalId(parts.healthCheck.node.defaultChild as CfnElement)}.Arn>:*]`,
    "Scheduler's target grant covers the health-check function's versions and aliases (`<arn>:*`); lambda:InvokeFunction on that one function only",
  );
}
