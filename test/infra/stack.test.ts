import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, ROUTES } from '../../functions/routes';
import { BUILTIN_PROVIDER_NAMES } from '../../infra/providers';
import { FUNCTION_SPECS, LAMBDA_NAMES, pascalCase, SECRETS_TABLE_ACTIONS, TABLE_ACTIONS, type LambdaName } from '../../infra/functions';
import { providerRegistry } from '../../shared/providers';
import { loadsHandler, probeBundle, probeBundleText } from '../support/bundle-probe';
import { bundleCode, bundleLayout } from '../../infra/bundle-files';
import { functionFiles, initLimitOf, totalLimitOf } from '../../infra/bundling';
import { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, PierreStack, type PierreStackProps } from '../../infra/stack';
import { EXAMPLE_STAGE, loadStage, placeholdersIn, stackNameOf, stackPropsOf } from '../../infra/stage';
import { CLIENT_BUNDLE_FILE } from '../../shared/web/assets';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SYNTH_TIMEOUT = 180_000;

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

const ENV_VARS = [
  'PIERRE_CONNECTIONS_TABLE',
  'PIERRE_CACHE_TABLE',
  'PIERRE_RETRY_QUEUE_URL',
  'PIERRE_PUBLIC_BASE_URL',
  'PIERRE_JWT_ISSUER',
  'POWERTOOLS_SERVICE_NAME',
];

/** The operator's configuration secret the stack grants (by name) when the props name none. */
const CONFIG_SECRET_NAME = 'secret:pierre/config';

// In-process synths write their cloud assemblies here rather than leaving temp dirs behind.
const OUT_ROOT = mkdtempSync(join(tmpdir(), 'pierre-infra-test-'));
const newApp = (context: Record<string, unknown> = {}): App => new App({ outdir: mkdtempSync(join(OUT_ROOT, 'app-')), context });
afterAll(() => rmSync(OUT_ROOT, { recursive: true, force: true }));

/** The name of the Garmin webhook secret every synth with the Garmin provider must be given. */
const GARMIN_WEBHOOK_SECRET = 'pierre/garmin-webhook';

/** Synthesises without bundling the functions: for assertions that do not look at code. */
function synthUnbundled(props: PierreStackProps = {}): Template {
  const app = newApp({ 'aws:cdk:bundling-stacks': [] });
  return Template.fromStack(new PierreStack(app, 'Unbundled', { garminWebhookSecret: GARMIN_WEBHOOK_SECRET, ...props }));
}

function jwtConfiguration(template: Template): { Issuer: string; Audience: string[] } {
  const authorizers = Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer')) as Resource[];
  expect(authorizers).toHaveLength(1);
  return authorizers[0]!.Properties.JwtConfiguration;
}

describe('PierreStack (bundled with the local esbuild)', () => {
  let stack: PierreStack;
  let template: Template;
  const logicalId = (construct: { node: { defaultChild?: unknown } }): string => stack.getLogicalId(construct.node.defaultChild as CfnElement);

  beforeAll(() => {
    // Bundled with two providers, so this synth also covers build-time provider selection.
    stack = new PierreStack(newApp(), 'PierreTest', { providers: ['strava', 'synthetic'] });
    template = Template.fromStack(stack);
  }, SYNTH_TIMEOUT);

  it('has one nodejs22.x arm64 function per function file, with its configuration', () => {
    const functions = template.findResources('AWS::Lambda::Function') as Record<string, Resource>;
    expect(Object.keys(functions)).toHaveLength(LAMBDA_NAMES.length);
    expect([...LAMBDA_NAMES].sort()).toEqual(functionFiles());

    const refs = {
      connections: { Ref: logicalId(stack.connectionsTable) },
      cache: { Ref: logicalId(stack.cacheTable) },
      queue: { Ref: logicalId(stack.retryQueue) },
    };
    for (const name of LAMBDA_NAMES) {
      const fn = stack.functions.get(name);
      expect(fn, name).toBeDefined();
      const props = functions[logicalId(fn!)]!.Properties;
      expect(props, name).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: FUNCTION_SPECS[name].memoryMb,
        Timeout: FUNCTION_SPECS[name].timeout.toSeconds(),
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) }, LogFormat: 'JSON' },
      });
      const vars = props.Environment.Variables;
      expect(Object.keys(vars)).toEqual(expect.arrayContaining(ENV_VARS));
      // Only the functions that use a secret key are told where the secret is; the others run with it withheld.
      if (FUNCTION_SPECS[name].secrets) {
        expect(JSON.stringify(vars.PIERRE_CONFIG_SECRET_ID), name).toContain(CONFIG_SECRET_NAME);
        expect(vars.PIERRE_SECRETS_WITHHELD, name).toBeUndefined();
      } else {
        expect(vars.PIERRE_CONFIG_SECRET_ID, name).toBeUndefined();
        expect(vars.PIERRE_SECRETS_WITHHELD, name).toBe('true');
      }
      // Source maps are read offline (npm run stack-trace), never at every cold start.
      expect(vars.NODE_OPTIONS, name).toBeUndefined();
      expect(vars).toMatchObject({
        PIERRE_CONNECTIONS_TABLE: refs.connections,
        PIERRE_CACHE_TABLE: refs.cache,
        PIERRE_RETRY_QUEUE_URL: refs.queue,
        PIERRE_PUBLIC_BASE_URL: { 'Fn::GetAtt': [logicalId(stack.api), 'ApiEndpoint'] },
        POWERTOOLS_SERVICE_NAME: 'pierre-providers',
        PIERRE_DELIVERY_QUEUE_URL: { Ref: logicalId(stack.deliveryQueue) },
      });
      // Only the functions that touch endpoint secrets are told where they are.
      expect(vars['PIERRE_ENDPOINT_SECRETS_TABLE'] !== undefined, name).toBe(FUNCTION_SPECS[name].endpointSecrets !== undefined);
    }
    for (const [name, spec] of Object.entries(FUNCTION_SPECS)) {
      // API Gateway gives up on an integration after 30 s.
      if ((FUNCTION_NAMES as string[]).includes(name)) expect(spec.timeout.toSeconds(), name).toBeLessThanOrEqual(29);
    }
    template.resourceCountIs('AWS::Logs::LogGroup', LAMBDA_NAMES.length + 1);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('bundles only the providers chosen at synth time', () => {
    expect(stack.providers).toEqual(['synthetic', 'strava']);
    const outdir = (stack.node.root as App).outdir;
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')) as [string, Resource][];
    expect(functions.length).toBeGreaterThan(0);
    for (const [id, fn] of functions) {
      // The staged asset directory is named after the asset hash the template's S3 key carries.
      const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
      const code = bundleCode(join(outdir, `asset.${hash}`));
      for (const name of BUILTIN_PROVIDER_NAMES) {
        const url = providerRegistry.descriptor(name)!.apiBaseUrl!;
        expect(code.includes(url), `${id}: ${name}`).toBe(name === 'synthetic' || name === 'strava');
      }
    }
  });

  /** The statements of the policies attached to one function's role. */
  function statementsOf(name: LambdaName): { Effect: string; Action: string | string[]; Resource: unknown }[] {
    const roleRef = JSON.stringify({ Ref: logicalId(stack.functions.get(name)!.role!) });
    return (Object.values(template.findResources('AWS::IAM::Policy')) as Resource[])
      .filter((p) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === roleRef))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
  }
  /** The actions a function may take on one resource (matched by its logical id in the statement's Resource). */
  function actionsOn(name: LambdaName, resourceId: string): string[] {
    return statementsOf(name)
      .filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Resource).includes(`"${resourceId}"`))
      .flatMap((s) => ([] as string[]).concat(s.Action))
      .filter((action, i, all) => all.indexOf(action) === i)
      .sort();
  }

  it('grants each function only what its code uses: the secret, its tables and queue actions', () => {
    const secretActions = (name: LambdaName) =>
      statementsOf(name)
        .filter((s) => JSON.stringify(s.Resource).includes(CONFIG_SECRET_NAME))
        .flatMap((s) => ([] as string[]).concat(s.Action))
        .sort();
    const ids = {
      connections: logicalId(stack.connectionsTable),
      cache: logicalId(stack.cacheTable),
      queue: logicalId(stack.retryQueue),
      deliveries: logicalId(stack.deliveryQueue),
      endpointSecrets: logicalId(stack.endpointSecretsTable),
    };
    const send = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
    const consume = [...send, 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:ReceiveMessage'];
    for (const name of LAMBDA_NAMES) {
      const spec = FUNCTION_SPECS[name];
      expect(secretActions(name), name).toEqual(spec.secrets ? ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'] : []);
      expect(actionsOn(name, ids.connections), name).toEqual(spec.connections ? [...TABLE_ACTIONS[spec.connections]].sort() : []);
      expect(actionsOn(name, ids.cache), name).toEqual(spec.cache ? [...TABLE_ACTIONS[spec.cache]].sort() : []);
      const queue = spec.queue === 'consume' ? consume : spec.queue === 'send' ? send : [];
      expect(actionsOn(name, ids.queue), name).toEqual([...queue].sort());
      const deliveries = spec.deliveries === 'consume' ? consume : spec.deliveries === 'send' ? send : [];
      expect(actionsOn(name, ids.deliveries), name).toEqual([...deliveries].sort());
      expect(actionsOn(name, ids.endpointSecrets), name).toEqual(spec.endpointSecrets ? [...SECRETS_TABLE_ACTIONS[spec.endpointSecrets]].sort() : []);
    }
    // The delivery worker alone reads endpoint secrets (the endpoints function only writes them) and consumes deliveries.
    expect(LAMBDA_NAMES.filter((name) => actionsOn(name, ids.endpointSecrets).includes('dynamodb:GetItem'))).toEqual(['delivery-worker']);
    expect(LAMBDA_NAMES.filter((name) => actionsOn(name, ids.endpointSecrets).length > 0).sort()).toEqual(['delivery-worker', 'endpoints']);
    expect(LAMBDA_NAMES.filter((name) => actionsOn(name, ids.deliveries).includes('sqs:ReceiveMessage'))).toEqual(['delivery-worker']);
    // The scheduled probe reads no connection or token, only a page of tenants' own apps; only the worker consumes the queue.
    expect(FUNCTION_SPECS['health-check'].connections).toBe('read');
    expect(LAMBDA_NAMES.filter((name) => actionsOn(name, ids.queue).includes('sqs:ReceiveMessage'))).toEqual(['retry-worker']);
    // The public functions, the job reader, the settings and the events' functions hold neither client secrets nor token keys.
    for (const name of ['web', 'health', 'jobs', 'settings', 'endpoints', 'events', 'delivery-worker'] as const) expect(secretActions(name), name).toEqual([]);
  });

  it("keeps X-Ray's '*' in a policy of its own per function, which the function waits for", () => {
    const policies = template.findResources('AWS::IAM::Policy') as Record<string, Resource>;
    const xray = Object.entries(policies).filter(([id]) => /XRay/.test(id));
    expect(xray).toHaveLength(LAMBDA_NAMES.length);
    for (const [id, policy] of xray) {
      expect(policy.Properties.PolicyDocument.Statement, id).toEqual([
        { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
      ]);
    }
    for (const [id, policy] of Object.entries(policies)) {
      if (xray.some(([x]) => x === id)) continue;
      for (const statement of policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[]) {
        expect(
          ([] as string[]).concat(statement.Action).some((a) => a.startsWith('xray:')),
          id,
        ).toBe(false);
      }
    }
    const functions = template.findResources('AWS::Lambda::Function') as Record<string, Resource & { DependsOn?: string[] }>;
    for (const name of LAMBDA_NAMES) {
      const fn = functions[logicalId(stack.functions.get(name)!)]!;
      expect(
        fn.DependsOn?.some((d) => /XRay/.test(d)),
        name,
      ).toBe(true);
    }
  });

  it('grants no wildcard action, and data actions only on the data resources by name', () => {
    const statements = (Object.values(template.findResources('AWS::IAM::Policy')) as Resource[]).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      const actions = ([] as string[]).concat(statement.Action);
      for (const action of actions) expect(action, JSON.stringify(statement)).not.toMatch(/\*/);
      if (actions.some((a) => /^(dynamodb|sqs|secretsmanager):/.test(a))) {
        expect(JSON.stringify(statement.Resource), JSON.stringify(statement)).not.toBe('"*"');
      }
    }
  });

  it('gives each function its own role: no managed policy, logs only to its own group, the index only where it is queried', () => {
    const roles = template.findResources('AWS::IAM::Role') as Record<string, Resource>;
    for (const name of LAMBDA_NAMES) {
      const fn = stack.functions.get(name)!;
      expect(roles[logicalId(fn.role!)]!.Properties.ManagedPolicyArns, name).toBeUndefined();
      const logs = statementsOf(name).filter((s) => ([] as string[]).concat(s.Action).some((a) => a.startsWith('logs:')));
      expect(logs, name).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logicalId(stack.node.findChild(`${fn.node.id}Logs`)), 'Arn'] },
        },
      ]);
      const index = statementsOf(name).some((s) => JSON.stringify(s.Resource).includes('/index/'));
      expect(index, name).toBe(FUNCTION_SPECS[name].providerUserIndex === true);
    }
    // Webhooks find connections by provider user; erasure (and its continuation in the worker) finds a user's OAuth states;
    // the health check pages through tenants' own apps.
    expect(LAMBDA_NAMES.filter((name) => FUNCTION_SPECS[name].providerUserIndex)).toEqual(['users', 'webhooks', 'retry-worker', 'health-check']);
    expect(JSON.stringify(statementsOf('webhooks'))).toContain('/index/byProviderUser');
  });

  it('feeds the retry worker and the delivery worker from their queues, reporting batch item failures', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(stack.functions.get('delivery-worker')!) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.deliveryQueue), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(stack.functions.get('retry-worker')!) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.retryQueue), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      // The worker never takes more than this of the account's concurrency from the API.
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('runs the health check on a 5-minute EventBridge Scheduler schedule', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    const schedule = (Object.values(template.findResources('AWS::Scheduler::Schedule')) as Resource[])[0]!.Properties;
    expect(schedule.ScheduleExpression).toBe('rate(5 minutes)');
    expect(schedule.State).not.toBe('DISABLED');
    expect(schedule.Target.Arn).toEqual({ 'Fn::GetAtt': [logicalId(stack.functions.get('health-check')!), 'Arn'] });
    // Scheduler's role may invoke that function only.
    const roleId = schedule.Target.RoleArn['Fn::GetAtt'][0] as string;
    const roleStatements = (Object.values(template.findResources('AWS::IAM::Policy')) as Resource[])
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    expect(roleStatements.flatMap((s) => ([] as string[]).concat(s.Action))).toEqual(['lambda:InvokeFunction']);
    expect(JSON.stringify(roleStatements.map((s) => s.Resource))).toContain(logicalId(stack.functions.get('health-check')!));
  });

  it('defines the connections table: keys, TTL, GSI, PITR, deletion protection, retained', () => {
    const tables = template.findResources('AWS::DynamoDB::GlobalTable') as Record<string, Resource>;
    // The connections, cache and endpoint secrets tables.
    expect(Object.keys(tables)).toHaveLength(3);
    const secrets = tables[logicalId(stack.endpointSecretsTable)]!;
    expect(secrets.DeletionPolicy).toBe('Retain');
    expect(secrets.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    const connections = tables[logicalId(stack.connectionsTable)]!;
    expect(connections.DeletionPolicy).toBe('Retain');
    expect(connections.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byProviderUser',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
        },
      ],
      Replicas: [{ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true }],
    });
    expect(connections.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining(['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' }))),
    );
  });

  it('defines the cache table: keys, TTL, destroyed with the stack', () => {
    const cache = (template.findResources('AWS::DynamoDB::GlobalTable') as Record<string, Resource>)[logicalId(stack.cacheTable)]!;
    expect(cache.DeletionPolicy).toBe('Delete');
    expect(cache.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
    expect(cache.Properties.GlobalSecondaryIndexes).toBeUndefined();
    // Disposable: no protection, so `cdk destroy` removes it.
    expect(cache.Properties.Replicas[0].DeletionProtectionEnabled).toBeFalsy();
  });

  it('writes API access logs without query strings or headers', () => {
    const stageProps = (Object.values(template.findResources('AWS::ApiGatewayV2::Stage')) as Resource[])[0]!.Properties;
    const logGroupId = stageProps.AccessLogSettings.DestinationArn['Fn::GetAtt'][0] as string;
    expect(template.findResources('AWS::Logs::LogGroup')[logGroupId]).toMatchObject({ Properties: { RetentionInDays: 30 } });
    const format = JSON.parse(stageProps.AccessLogSettings.Format) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status' });
    expect(Object.values(format).join(' ')).not.toMatch(/querystring|rawQueryString|header|\$context\.path|body/i);
  });

  it("alarms on the dead-letter queue, each function's errors and throttles, and each bundled provider's health", () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    const dlq = alarms.filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(dlq).toHaveLength(2);
    for (const [i, queue] of [stack.deadLetterQueue, stack.deliveryDeadLetterQueue].entries()) {
      expect(dlq[i]!.Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(queue), 'QueueName'] } }],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
      });
    }
    for (const metric of ['Errors', 'Throttles']) {
      for (const name of LAMBDA_NAMES) {
        const ref = { Ref: logicalId(stack.functions.get(name)!) };
        const found = alarms.filter(
          (a) => a.Properties.MetricName === metric && JSON.stringify(a.Properties.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: ref }]),
        );
        expect(found, `${name} ${metric}`).toHaveLength(1);
        expect(found[0]!.Properties).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Sum', ComparisonOperator: 'GreaterThanThreshold', Threshold: 0 });
      }
    }
    const health = alarms.filter((a) => a.Properties.MetricName === 'ProviderHealthy');
    // This synth bundles strava and synthetic only: one alarm each.
    expect(health.map((a) => a.Properties.Dimensions.find((d: { Name: string }) => d.Name === 'provider').Value).sort()).toEqual(['strava', 'synthetic']);
    for (const alarm of health) {
      expect(alarm.Properties).toMatchObject({
        Namespace: 'Pierre',
        Statistic: 'Minimum',
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        TreatMissingData: 'breaching',
      });
      expect(alarm.Properties.Dimensions).toContainEqual({ Name: 'service', Value: 'pierre-providers' });
    }
    // The API's three, errors, throttles and near-timeout per function, throttles and system errors per table (three),
    // the oldest retry, the two dead-letter queues, and health and rate limits for each of the two providers.
    expect(alarms).toHaveLength(3 + 3 * LAMBDA_NAMES.length + 2 * 3 + 1 + 2 + 2 * 2);
    // No topic asked for: no actions, no topic.
    template.resourceCountIs('AWS::SNS::Topic', 0);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toBeUndefined();
  });

  it('routes every entry of ROUTES to its function with the right authorization', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Resource[];
    expect(routes).toHaveLength(ROUTES.length);
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration') as Record<string, Resource>;

    for (const spec of ROUTES) {
      const routeKey = `${spec.method} ${spec.path}`;
      const route = routes.find((r) => r.Properties.RouteKey === routeKey);
      expect(route, routeKey).toBeDefined();
      expect(route!.Properties.AuthorizationType, routeKey).toBe(spec.auth ? 'JWT' : 'NONE');
      if (spec.auth) expect(route!.Properties.AuthorizerId, routeKey).toEqual({ Ref: expect.any(String) });
      else expect(route!.Properties.AuthorizerId, routeKey).toBeUndefined();

      const integrationId = route!.Properties.Target['Fn::Join'][1][1].Ref as string;
      expect(integrations[integrationId]!.Properties.IntegrationUri, routeKey).toEqual({
        'Fn::GetAtt': [logicalId(stack.functions.get(spec.fn)!), 'Arn'],
      });
    }
  });

  it('has a JWT authorizer, CORS preflight and a throttled $default stage', () => {
    expect(jwtConfiguration(template)).toEqual({ Issuer: DEFAULT_JWT_ISSUER, Audience: DEFAULT_JWT_AUDIENCE });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowMethods: Match.arrayWith(['GET', 'DELETE']),
        AllowHeaders: Match.arrayWith(['authorization']),
      },
    });
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 },
      RouteSettings: {
        'POST /webhooks/{provider}': { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 25 },
        'GET /webhooks/{provider}': { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 25 },
      },
    });
  });

  it('has an encrypted retry queue with a dead-letter queue, visible six times as long as the worker runs', () => {
    const queues = template.findResources('AWS::SQS::Queue') as Record<string, Resource>;
    expect(Object.keys(queues)).toHaveLength(4);
    const delivery = queues[logicalId(stack.deliveryQueue)]!.Properties;
    expect(delivery.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.deliveryDeadLetterQueue), 'Arn'] }, maxReceiveCount: 5 });
    const retry = queues[logicalId(stack.retryQueue)]!.Properties;
    expect(retry.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
      maxReceiveCount: 5,
    });
    const dlqId = retry.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0] as string;
    expect(queues[dlqId]).toBeDefined();
    for (const queue of Object.values(queues)) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);

    const worker = (template.findResources('AWS::Lambda::Function') as Record<string, Resource>)[logicalId(stack.functions.get('retry-worker')!)]!;
    expect(retry.VisibilityTimeout).toBeGreaterThanOrEqual(6 * (worker.Properties.Timeout as number));
    const deliverer = (template.findResources('AWS::Lambda::Function') as Record<string, Resource>)[logicalId(stack.functions.get('delivery-worker')!)]!;
    expect(delivery.VisibilityTimeout).toBeGreaterThanOrEqual(6 * (deliverer.Properties.Timeout as number));
  });

  it("never creates the configuration secret: a deploy can neither create nor overwrite the operator's values", () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('outputs the API URL, table names, secret ARN, queue URLs and the dashboard', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(
      [
        'ApiUrl',
        'CacheTableName',
        'ConfigSecretArn',
        'ConnectionsTableName',
        'DashboardName',
        'DeadLetterQueueUrl',
        'RetryQueueUrl',
        'EndpointSecretsTableName',
        'DeliveryQueueUrl',
        'DeliveryDeadLetterQueueUrl',
      ].sort(),
    );
  });
});

describe('stages', () => {
  const dir = mkdtempSync(join(OUT_ROOT, 'stages-'));
  const write = (name: string, stage: unknown) => writeFileSync(join(dir, `${name}.json`), JSON.stringify(stage));
  const prod = {
    jwt: { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf', audience: ['app-client'] },
    providers: ['strava', 'synthetic'],
    alarms: { email: 'ops@pierre.fit' },
    domain: { name: 'api.pierre.fit', certificateArn: 'arn:aws:acm:eu-west-1:210987654321:certificate/abc' },
    throttle: { rate: 200, burst: 400 },
    webhookThrottle: { rate: 100, burst: 300 },
    retryWorkerConcurrency: 8,
    reservedConcurrency: { data: 40 },
    settings: { PIERRE_TENANT_CLAIM: 'custom:tenant', PIERRE_STRAVA_CLIENT_ID: '12345' },
  };

  it('reads a stage file into the whole deploy: issuer, limits, concurrency, domain, settings, stack name', () => {
    write('prod', prod);
    const stage = loadStage('prod', dir);
    expect(stackNameOf('prod', stage)).toBe('Pierre-prod');
    const props = stackPropsOf('prod', stage);
    expect(props.configSecret).toBe('pierre/prod/config');
    const template = synthUnbundled(props);
    expect(jwtConfiguration(template)).toEqual({ Issuer: prod.jwt.issuer, Audience: ['app-client'] });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingBurstLimit: 400, ThrottlingRateLimit: 200 },
      RouteSettings: { 'POST /webhooks/{provider}': { ThrottlingBurstLimit: 300, ThrottlingRateLimit: 100 } },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 8 } });
    const functions = Object.entries(template.findResources('AWS::Lambda::Function') as Record<string, Resource>);
    const data = functions.find(([id]) => id.startsWith('DataFunction'))![1];
    expect(data.Properties.ReservedConcurrentExecutions).toBe(40);
    for (const [id, fn] of functions) {
      expect(fn.Properties.Environment.Variables, id).toMatchObject({
        PIERRE_TENANT_CLAIM: 'custom:tenant',
        PIERRE_STRAVA_CLIENT_ID: '12345',
        PIERRE_PUBLIC_BASE_URL: 'https://api.pierre.fit',
      });
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'api.pierre.fit' });
    template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@pierre.fit' });
  });

  it.each([
    ['the placeholder issuer', { ...prod, jwt: { ...prod.jwt, issuer: 'https://issuer.example.com/' } }, /placeholders \(jwt\.issuer\)/],
    ['an unfilled setting', { ...prod, settings: { PIERRE_STRAVA_CLIENT_ID: '<strava-client-id>' } }, /settings\.PIERRE_STRAVA_CLIENT_ID/],
    ['a secret among the settings', { ...prod, settings: { PIERRE_STRAVA_CLIENT_SECRET: 'x' } }, /holds a secret/],
    ['concurrency for a function that does not exist', { ...prod, reservedConcurrency: { dta: 4 } }, /names no function dta/],
    ['an unknown key', { ...prod, jwtIssuer: 'https://x.org/' }, /not a valid stage/],
  ])('refuses a deployable stage with %s', (_label, stage, message) => {
    write('staging', stage);
    expect(() => loadStage('staging', dir)).toThrow(message);
  });

  it('lets only the example stage, which is never deployed, keep its placeholders', () => {
    const example = loadStage(EXAMPLE_STAGE);
    expect(placeholdersIn(example)).toEqual(expect.arrayContaining(['jwt.issuer']));
    write('dev', example);
    expect(() => loadStage('dev', dir)).toThrow(/still holds placeholders/);
    expect(() => loadStage('absent', dir)).toThrow(/copy infra\/stages\/example\.json/);
  });
});

describe('PierreStack alarms and dashboard', () => {
  const template = synthUnbundled({ providers: ['strava', 'synthetic'], alarmTopicArn: 'arn:aws:sns:eu-west-1:210987654321:ops' });
  const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>);
  const alarm = (prefix: string) => alarms.filter(([id]) => id.startsWith(`Alarms${prefix}`)).map(([, a]) => a.Properties);

  it('alarms on what users feel: API 5xx rate, p99 latency and the 5xx the functions answer themselves', () => {
    const [rate] = alarm('Api5xxRate');
    expect(JSON.stringify(rate!.Metrics)).toMatch(/5xx/);
    expect(rate).toMatchObject({ Threshold: 5, EvaluationPeriods: 2 });
    expect(alarm('ApiLatencyP99')[0]).toMatchObject({ MetricName: 'Latency', ExtendedStatistic: 'p99', Threshold: 5000 });
    expect(alarm('ServerErrors')[0]).toMatchObject({
      Namespace: 'Pierre',
      MetricName: 'ServerError',
      Dimensions: [{ Name: 'service', Value: 'pierre-providers' }],
    });
  });

  it('alarms per function on errors, throttles and a duration near its timeout', () => {
    for (const name of LAMBDA_NAMES) {
      const base = pascalCase(name);
      expect(alarm(`${base}Errors`), name).toHaveLength(1);
      expect(alarm(`${base}Throttles`), name).toHaveLength(1);
      expect(alarm(`${base}NearTimeout`)[0], name).toMatchObject({ ExtendedStatistic: 'p99', Threshold: FUNCTION_SPECS[name].timeout.toMilliseconds() * 0.8 });
    }
  });

  it('alarms on DynamoDB throttles and system errors per table, the oldest retry, every dead-letter queue, provider health and deferred reads', () => {
    for (const table of ['ConnectionsTable', 'CacheTable']) {
      expect(JSON.stringify(alarm(`${table}Throttles`)[0]!.Metrics), table).toContain('ThrottledRequests');
      expect(JSON.stringify(alarm(`${table}SystemErrors`)[0]!.Metrics), table).toContain('SystemErrors');
    }
    expect(alarm('RetryQueueOldestMessage')[0]).toMatchObject({ MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 3600 });
    expect(alarm('RetryDeadLetterQueueNotEmpty')[0]).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0 });
    for (const provider of ['Strava', 'Synthetic']) {
      expect(alarm(`${provider}Unhealthy`)[0], provider).toMatchObject({ MetricName: 'ProviderHealthy', TreatMissingData: 'breaching' });
      expect(alarm(`${provider}RateLimited`)[0], provider).toMatchObject({ MetricName: 'ReadDeferred', EvaluationPeriods: 3 });
    }
    // Every alarm tells the topic, going in and coming out.
    for (const [id, a] of alarms) {
      expect(a.Properties.AlarmActions, id).toEqual(['arn:aws:sns:eu-west-1:210987654321:ops']);
      expect(a.Properties.AlarmDescription.length, id).toBeGreaterThan(40);
    }
  });

  it('draws a dashboard of the same: alarm states, API, functions, tables, queues and providers', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]!.Properties.DashboardBody);
    for (const title of [
      'Alarms',
      'API requests and 5xx',
      'API latency p99',
      'Function errors',
      'Function duration p99',
      'DynamoDB throttles',
      'dead letters',
      'Provider health',
      'Reads deferred',
    ]) {
      expect(body, title).toContain(title);
    }
  });
});

describe('PierreStack options', () => {
  const connectionsReplica = (template: Template) =>
    (Object.values(template.findResources('AWS::DynamoDB::GlobalTable')) as Resource[]).find((t) => t.Properties.GlobalSecondaryIndexes)!.Properties
      .Replicas[0];

  it("turns the connections table's deletion protection off only when asked", () => {
    expect(connectionsReplica(synthUnbundled()).DeletionProtectionEnabled).toBe(true);
    expect(connectionsReplica(synthUnbundled({ deletionProtection: false })).DeletionProtectionEnabled).toBe(false);
  });

  it('sends every alarm to a new topic for an alarm e-mail', () => {
    const template = synthUnbundled({ alarmEmail: 'ops@example.com' });
    const topics = template.findResources('AWS::SNS::Topic');
    expect(Object.keys(topics)).toHaveLength(1);
    const topicRef = { Ref: Object.keys(topics)[0] };
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: topicRef });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topicRef]);
  });

  it("grants the configuration secret named by a complete ARN (an older stack's ConfigSecretArn) as that ARN, and a partial one with its suffix", () => {
    const grantedSecrets = (template: Template) =>
      (Object.values(template.findResources('AWS::IAM::Policy')) as Resource[])
        .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((st) => ([] as string[]).concat(st.Action).includes('secretsmanager:GetSecretValue'))
        .map((st) => st.Resource);
    const complete = 'arn:aws:secretsmanager:eu-west-1:210987654321:secret:ConfigSecretA1B2C3D4-AbCdEf';
    const fromComplete = grantedSecrets(synthUnbundled({ configSecret: complete }));
    expect(fromComplete.length).toBeGreaterThan(0);
    for (const resource of fromComplete) expect(resource).toEqual(complete);
    const partial = 'arn:aws:secretsmanager:eu-west-1:210987654321:secret:pierre/prod/config';
    for (const resource of grantedSecrets(synthUnbundled({ configSecret: partial }))) expect(resource).toEqual(`${partial}-??????`);
  });

  it('gives every built-in provider its health alarm when all are bundled', () => {
    const alarms = Object.values(synthUnbundled().findResources('AWS::CloudWatch::Alarm')) as Resource[];
    expect(alarms.filter((a) => a.Properties.MetricName === 'ProviderHealthy')).toHaveLength(BUILTIN_PROVIDER_NAMES.length);
  });
});

describe('PierreStack and the Garmin webhook secret', () => {
  const webhookSecretHolders = (template: Template) =>
    Object.entries(template.findResources('AWS::Lambda::Function') as Record<string, Resource>)
      .filter(([, fn]) => fn.Properties.Environment?.Variables?.PIERRE_GARMIN_WEBHOOK_SECRET !== undefined)
      .map(([id, fn]) => [id, fn.Properties.Environment.Variables.PIERRE_GARMIN_WEBHOOK_SECRET]);

  it('refuses to synthesise a stack with the Garmin provider and no webhook secret, saying how to give one', () => {
    const synth = (props: PierreStackProps) => new PierreStack(newApp({ 'aws:cdk:bundling-stacks': [] }), 'NoSecret', props);
    expect(() => synth({})).toThrow(/Garmin provider is deployed without a webhook secret.*garminWebhookSecret/s);
    expect(() => synth({ providers: ['garmin'] })).toThrow(/without a webhook secret/);
  });

  it('hands the secret to the webhooks function alone, as a reference resolved at deploy time (never its value)', () => {
    const holders = webhookSecretHolders(synthUnbundled());
    expect(holders).toEqual([[expect.stringMatching(/^WebhooksFunction/), `{{resolve:secretsmanager:${GARMIN_WEBHOOK_SECRET}:SecretString:::}}`]]);
  });

  it('needs no Garmin secret in a build without Garmin', () => {
    const template = Template.fromStack(new PierreStack(newApp({ 'aws:cdk:bundling-stacks': [] }), 'NoGarmin', { providers: ['strava', 'synthetic'] }));
    expect(webhookSecretHolders(template)).toEqual([]);
  });
});

describe('cdk CLI', () => {
  it(
    'synthesises offline with `npm run synth`',
    async () => {
      const startedAt = Date.now();
      // No AWS credentials or config reach the CLI: with any, it asks STS for the default account.
      const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('CDK_')));
      Object.assign(env, {
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        CDK_DISABLE_VERSION_CHECK: 'true',
        CI: 'true',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: join(REPO_ROOT, 'cdk.out', 'no-aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(REPO_ROOT, 'cdk.out', 'no-aws-credentials'),
      });

      const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        const child = spawn('npm', ['run', 'synth'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, output }));
      });
      expect(code, output).toBe(0);

      const outDir = join(REPO_ROOT, 'cdk.out');
      const templates = readdirSync(outDir).filter((f) => f.endsWith('.template.json'));
      expect(templates.length).toBeGreaterThan(0);
      // Whole seconds: some filesystems keep coarse modification times.
      const fresh = templates.filter((f) => statSync(join(outDir, f)).mtimeMs >= Math.floor(startedAt / 1000) * 1000);
      expect(fresh.length, 'a template written by this run').toBeGreaterThan(0);
    },
    SYNTH_TIMEOUT,
  );

  it(
    'produces bundles that load on Node 22 and answer an API Gateway event',
    async () => {
      const outDir = join(REPO_ROOT, 'cdk.out');
      const template = JSON.parse(readFileSync(join(outDir, `${stackNameOf(EXAMPLE_STAGE, loadStage(EXAMPLE_STAGE))}.template.json`), 'utf8')) as {
        Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
      };
      const bundles = Object.entries(template.Resources)
        .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['aws:asset:path'])
        .map(([id, r]) => ({ id, file: join(outDir, r.Metadata!['aws:asset:path']!, 'index.mjs') }));
      expect(bundles).toHaveLength(LAMBDA_NAMES.length);

      // Every provider is bundled here: what each function loads at a cold start, and all its
      // JavaScript, within its limits (infra/bundling.ts).
      for (const name of LAMBDA_NAMES) {
        const bundle = bundles.find((b) => b.id.startsWith(`${pascalCase(name)}Function`))!;
        const layout = bundleLayout(dirname(bundle.file));
        expect(layout.initBytes, `${name} at init`).toBeLessThanOrEqual(initLimitOf(name));
        expect(layout.totalBytes, `${name} in all`).toBeLessThanOrEqual(totalLimitOf(name));
      }
      // NodejsFunction's single-file bundle was replaced by the split build: data's providers are chunks.
      const data = bundles.find((b) => b.id.startsWith('DataFunction'))!;
      expect(bundleLayout(dirname(data.file)).allFiles.length).toBeGreaterThan(BUILTIN_PROVIDER_NAMES.length);

      // The queue workers and the scheduled probe take no HTTP event (and the probe would call real providers): they load.
      const background = bundles.filter((b) => /^(RetryWorker|DeliveryWorker|HealthCheck)Function/.test(b.id));
      expect(background).toHaveLength(3);
      for (const bundle of background) expect(await loadsHandler(bundle.file), bundle.id).toBe(true);

      for (const bundle of bundles.filter((b) => !background.includes(b))) {
        const answer = await probeBundle(bundle.file);
        // Every bundle loads and answers; health says ok, the others refuse this event with a 4xx (not a 500).
        if (bundle.id.startsWith('HealthFunction')) {
          expect(answer, bundle.id).toMatchObject({ statusCode: 200, body: { status: 'ok', providers: BUILTIN_PROVIDER_NAMES.length } });
        } else expect(answer.statusCode >= 400 && answer.statusCode < 500, `${bundle.id}: ${answer.statusCode}`).toBe(true);
      }

      // A call loads the provider's chunk: the deployed data function answers from the synthetic provider.
      const synthetic = await probeBundle(data.file, '/activities?provider=synthetic&limit=1', { sub: 'probe-user', tenant_id: 'probe-tenant' });
      expect(synthetic).toMatchObject({ statusCode: 200, body: { provider: 'synthetic', activities: [{ provider: 'synthetic' }] } });

      // The web function serves the page with the script built beside its bundle.
      const web = bundles.find((b) => b.id.startsWith('WebFunction'))!;
      const script = readFileSync(join(web.file, '..', CLIENT_BUNDLE_FILE), 'utf8');
      expect(script.length).toBeGreaterThan(1000);
      const page = await probeBundleText(web.file, '/');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`<script>${script}</script>`);
    },
    SYNTH_TIMEOUT,
  );
});
