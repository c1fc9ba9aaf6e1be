import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FUNCTION_NAMES, ROUTES } from '../../functions/routes';
import { BUILTIN_PROVIDER_NAMES } from '../../infra/providers';
import { FUNCTION_SPECS, LAMBDA_NAMES, pascalCase, SECRETS_TABLE_ACTIONS, TABLE_ACTIONS, type LambdaName } from '../../infra/functions';
import { providerRegistry } from '../../shared/providers';
import { loadsHandler, probeBundle, probeBundleText } from '../support/bundle-probe';
import { bundleCode, bundleLayout } from '../../infra/bundle-files';
import { BUNDLE_TARGET_BYTES, functionFiles, totalLimitOf } from '../../infra/bundling';
import { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, PierreStack, type PierreStackProps } from '../../infra/stack';
import { CLIENT_BUNDLE_FILE } from '../../shared/web/assets';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SYNTH_TIMEOUT = 180_000;

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

const ENV_VARS = [
  'PIERRE_CONFIG_SECRET_ID',
  'PIERRE_CONNECTIONS_TABLE',
  'PIERRE_CACHE_TABLE',
  'PIERRE_RETRY_QUEUE_URL',
  'PIERRE_PUBLIC_BASE_URL',
  'PIERRE_JWT_ISSUER',
  'POWERTOOLS_SERVICE_NAME',
  'NODE_OPTIONS',
];

// In-process synths write their cloud assemblies here rather than leaving temp dirs behind.
const OUT_ROOT = mkdtempSync(join(tmpdir(), 'pierre-infra-test-'));
const newApp = (context: Record<string, unknown> = {}): App => new App({ outdir: mkdtempSync(join(OUT_ROOT, 'app-')), context });
afterAll(() => rmSync(OUT_ROOT, { recursive: true, force: true }));

/** The name of the Garmin webhook secret every synth with the Garmin provider must be given. */
const GARMIN_WEBHOOK_SECRET = 'pierre/garmin-webhook';

/** Synthesises without bundling the functions: for assertions that do not look at code. */
function synthUnbundled(props: PierreStackProps = {}, context: Record<string, unknown> = {}): Template {
  const app = newApp({ 'aws:cdk:bundling-stacks': [], ...context });
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
    vi.stubEnv('PIERRE_JWT_ISSUER', '');
    vi.stubEnv('PIERRE_JWT_AUDIENCE', '');
    // Bundled with two providers, so this synth also covers build-time provider selection.
    stack = new PierreStack(newApp({ providers: 'strava,synthetic' }), 'PierreTest');
    template = Template.fromStack(stack);
    vi.unstubAllEnvs();
  }, SYNTH_TIMEOUT);

  it('has one nodejs22.x arm64 function per function file, with its configuration', () => {
    const functions = template.findResources('AWS::Lambda::Function') as Record<string, Resource>;
    expect(Object.keys(functions)).toHaveLength(LAMBDA_NAMES.length);
    expect([...LAMBDA_NAMES].sort()).toEqual(functionFiles());

    const refs = {
      secret: { Ref: logicalId(stack.configSecret) },
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
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
      const vars = props.Environment.Variables;
      expect(Object.keys(vars)).toEqual(expect.arrayContaining(ENV_VARS));
      expect(vars).toMatchObject({
        PIERRE_CONFIG_SECRET_ID: refs.secret,
        PIERRE_CONNECTIONS_TABLE: refs.connections,
        PIERRE_CACHE_TABLE: refs.cache,
        PIERRE_RETRY_QUEUE_URL: refs.queue,
        PIERRE_PUBLIC_BASE_URL: { 'Fn::GetAtt': [logicalId(stack.api), 'ApiEndpoint'] },
        POWERTOOLS_SERVICE_NAME: 'pierre-providers',
        NODE_OPTIONS: '--enable-source-maps',
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
    const ids = {
      secret: logicalId(stack.configSecret),
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
      expect(actionsOn(name, ids.secret), name).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
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
    // The scheduled probe reads no connection or token; only the worker consumes the queue.
    expect(FUNCTION_SPECS['health-check'].connections).toBeUndefined();
    expect(LAMBDA_NAMES.filter((name) => actionsOn(name, ids.queue).includes('sqs:ReceiveMessage'))).toEqual(['retry-worker']);
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
    expect(alarms).toHaveLength(2 + 2 * LAMBDA_NAMES.length + 2);
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

  it('creates the config secret without generating or embedding any value', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const secret = Object.values(template.findResources('AWS::SecretsManager::Secret'))[0] as Resource;
    expect(secret.Properties.GenerateSecretString).toBeUndefined();
    expect(secret.Properties.SecretString).toBe('{}');
  });

  it('outputs the API URL, table names, secret ARN and queue URL', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(
      [
        'ApiUrl',
        'CacheTableName',
        'ConfigSecretArn',
        'ConnectionsTableName',
        'DeadLetterQueueUrl',
        'RetryQueueUrl',
        'EndpointSecretsTableName',
        'DeliveryQueueUrl',
        'DeliveryDeadLetterQueueUrl',
      ].sort(),
    );
  });
});

describe('PierreStack JWT settings', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads the issuer and audience from CDK context', () => {
    const template = synthUnbundled({}, { jwtIssuer: 'https://ctx.example.org/', jwtAudience: 'app-a, app-b' });
    expect(jwtConfiguration(template)).toEqual({ Issuer: 'https://ctx.example.org/', Audience: ['app-a', 'app-b'] });
  });

  it('falls back to the environment when the context has none', () => {
    vi.stubEnv('PIERRE_JWT_ISSUER', 'https://env.example.org/');
    vi.stubEnv('PIERRE_JWT_AUDIENCE', 'env-aud');
    expect(jwtConfiguration(synthUnbundled())).toEqual({ Issuer: 'https://env.example.org/', Audience: ['env-aud'] });
  });

  it('lets stack props override context and environment', () => {
    vi.stubEnv('PIERRE_JWT_ISSUER', 'https://env.example.org/');
    const template = synthUnbundled(
      { jwtIssuer: 'https://props.example.org/', jwtAudience: ['props-aud'] },
      { jwtIssuer: 'https://ctx.example.org/', jwtAudience: 'ctx-aud' },
    );
    expect(jwtConfiguration(template)).toEqual({ Issuer: 'https://props.example.org/', Audience: ['props-aud'] });
  });
});

describe('PierreStack options', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const connectionsReplica = (template: Template) =>
    (Object.values(template.findResources('AWS::DynamoDB::GlobalTable')) as Resource[]).find((t) => t.Properties.GlobalSecondaryIndexes)!.Properties
      .Replicas[0];

  it("turns the connections table's deletion protection off with -c deletionProtection=false", () => {
    expect(connectionsReplica(synthUnbundled()).DeletionProtectionEnabled).toBe(true);
    expect(connectionsReplica(synthUnbundled({}, { deletionProtection: 'false' })).DeletionProtectionEnabled).toBe(false);
    expect(connectionsReplica(synthUnbundled({}, { deletionProtection: false })).DeletionProtectionEnabled).toBe(false);
  });

  it('sends every alarm to a new topic for -c alarmEmail', () => {
    const template = synthUnbundled({}, { alarmEmail: 'ops@example.com' });
    const topics = template.findResources('AWS::SNS::Topic');
    expect(Object.keys(topics)).toHaveLength(1);
    const topicRef = { Ref: Object.keys(topics)[0] };
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: topicRef });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topicRef]);
  });

  it('sends every alarm to an existing topic for -c alarmTopicArn', () => {
    const arn = 'arn:aws:sns:eu-west-1:123456789012:ops';
    const template = synthUnbundled({}, { alarmTopicArn: arn });
    template.resourceCountIs('AWS::SNS::Topic', 0);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([arn]);
    // Every built-in provider is bundled here: each has its health alarm.
    expect(alarms.filter((a) => a.Properties.MetricName === 'ProviderHealthy')).toHaveLength(BUILTIN_PROVIDER_NAMES.length);
  });
});

describe('PierreStack and the Garmin webhook secret', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  const webhookSecretHolders = (template: Template) =>
    Object.entries(template.findResources('AWS::Lambda::Function') as Record<string, Resource>)
      .filter(([, fn]) => fn.Properties.Environment?.Variables?.PIERRE_GARMIN_WEBHOOK_SECRET !== undefined)
      .map(([id, fn]) => [id, fn.Properties.Environment.Variables.PIERRE_GARMIN_WEBHOOK_SECRET]);

  it('refuses to synthesise a stack with the Garmin provider and no webhook secret, saying how to give one', () => {
    vi.stubEnv('PIERRE_GARMIN_WEBHOOK_SECRET_NAME', '');
    const synth = (props: PierreStackProps) => new PierreStack(newApp({ 'aws:cdk:bundling-stacks': [] }), 'NoSecret', props);
    expect(() => synth({})).toThrow(/Garmin provider is deployed without a webhook secret.*-c garminWebhookSecret=/s);
    expect(() => synth({ providers: ['garmin'] })).toThrow(/without a webhook secret/);
  });

  it('hands the secret to the webhooks function alone, as a reference resolved at deploy time (never its value)', () => {
    vi.stubEnv('PIERRE_GARMIN_WEBHOOK_SECRET_NAME', '');
    const holders = webhookSecretHolders(synthUnbundled({}, {}));
    expect(holders).toEqual([[expect.stringMatching(/^WebhooksFunction/), `{{resolve:secretsmanager:${GARMIN_WEBHOOK_SECRET}:SecretString:::}}`]]);
    // From the context or the environment too.
    const fromContext = new PierreStack(newApp({ 'aws:cdk:bundling-stacks': [], garminWebhookSecret: 'ctx/garmin' }), 'Ctx', {});
    expect(webhookSecretHolders(Template.fromStack(fromContext))[0]![1]).toContain('ctx/garmin');
    vi.stubEnv('PIERRE_GARMIN_WEBHOOK_SECRET_NAME', 'env/garmin');
    const fromEnv = new PierreStack(newApp({ 'aws:cdk:bundling-stacks': [] }), 'Env', {});
    expect(webhookSecretHolders(Template.fromStack(fromEnv))[0]![1]).toContain('env/garmin');
  });

  it('needs no Garmin secret in a build without Garmin', () => {
    vi.stubEnv('PIERRE_GARMIN_WEBHOOK_SECRET_NAME', '');
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
        PIERRE_GARMIN_WEBHOOK_SECRET_NAME: GARMIN_WEBHOOK_SECRET,
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
      const template = JSON.parse(readFileSync(join(outDir, 'PierreProviders.template.json'), 'utf8')) as {
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
        expect(layout.initBytes, `${name} at init`).toBeLessThanOrEqual(BUNDLE_TARGET_BYTES);
        expect(layout.totalBytes, `${name} in all`).toBeLessThanOrEqual(totalLimitOf(name));
      }
      // NodejsFunction's single-file bundle was replaced by the split build: data's providers are chunks.
      const data = bundles.find((b) => b.id.startsWith('DataFunction'))!;
      expect(bundleLayout(dirname(data.file)).allFiles.length).toBeGreaterThan(BUILTIN_PROVIDER_NAMES.length);

      // The worker and the scheduled probe take no HTTP event (and the probe would call real providers): they load.
      const background = bundles.filter((b) => /^(RetryWorker|HealthCheck)Function/.test(b.id));
      expect(background).toHaveLength(2);
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
