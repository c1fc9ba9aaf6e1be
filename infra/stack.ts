import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  type CfnStage,
  CorsHttpMethod,
  DomainName,
  LogGroupLogDestination,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpRoute,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { CORS, ROUTES, type FunctionName } from '../functions/routes';
import { CACHE_TABLE_KEYS, CONNECTIONS_TABLE_KEYS, ENDPOINT_SECRETS_TABLE_KEYS } from '../shared/store/dynamodb/table-keys';
import { CLIENT_BUNDLE_FILE } from '../shared/web/assets';
import { BUNDLE, externalModulesOf } from './bundling';
import { PierreAlarms, SERVICE_NAME } from './alarms';
import { FUNCTION_SPECS, LAMBDA_NAMES, pascalCase, SECRETS_TABLE_ACTIONS, TABLE_ACTIONS, type LambdaName, type TableAccess } from './functions';
import { acknowledgeNagFindings } from './nag';
import { BUILTIN_PROVIDER_NAMES, parseProviderSelection, providerListAlias } from './providers';
import { garminWebhookSecretEnv } from './webhook-secrets';

/** Placeholders for the offline synth and tests; infra/stages/<name>.json gives the real ones (infra/stage.ts refuses placeholders). */
export const DEFAULT_JWT_ISSUER = 'https://issuer.example.com/';
export const DEFAULT_JWT_AUDIENCE = ['pierre-api'];
/** Gateway limits when the stage file names none: requests per second and burst, for the stage and for each webhook route. */
const DEFAULT_THROTTLE = { rate: 50, burst: 100 };
const DEFAULT_WEBHOOK_THROTTLE = { rate: 25, burst: 50 };
/** Concurrent retry-worker invocations SQS starts by default: the API keeps the rest of the account's concurrency. */
const DEFAULT_RETRY_WORKER_CONCURRENCY = 5;
/** The same for the event delivery worker: a burst of events to slow endpoints waits in the queue. */
const DEFAULT_DELIVERY_WORKER_CONCURRENCY = 5;

/** Everything a deploy is made of; infra/app.ts fills it from the stage file (infra/stage.ts), tests directly. */
export interface PierreStackProps extends StackProps {
  jwtIssuer?: string;
  jwtAudience?: string[];
  /** Providers to bundle (every built-in one by default). */
  providers?: string[];
  /** Deletion protection on the connections table (on by default). */
  deletionProtection?: boolean;
  /** Alarms go to a new SNS topic with this address subscribed. */
  alarmEmail?: string;
  /** Alarms go to this existing SNS topic. */
  alarmTopicArn?: string;
  /**
   * Name or ARN of the Secrets Manager secret whose value Garmin deliveries must carry as
   * `?secret=`. Required when the Garmin provider is deployed: the synth fails without it.
   */
  garminWebhookSecret?: string;
  /**
   * Name or ARN of the configuration secret (secret PIERRE_* keys: client secrets, token keys).
   * The operator creates and fills it; the stack only grants it to the functions that need it.
   */
  configSecret?: string;
  /** A custom domain (ACM certificate in the stack's region): the public base URL provider apps are registered with. */
  domain?: { name: string; certificateArn: string };
  throttle?: { rate: number; burst: number };
  webhookThrottle?: { rate: number; burst: number };
  retryWorkerConcurrency?: number;
  deliveryWorkerConcurrency?: number;
  reservedConcurrency?: Partial<Record<LambdaName, number>>;
  /** Non-secret PIERRE_* settings, as every function's environment. */
  settings?: Record<string, string>;
}

/**
 * What API Gateway logs per request: no query string (the OAuth callback's code is there), no
 * header, no body; the route rather than the path.
 */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
};

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * AWS advises a queue visibility timeout of six times the consumer's timeout, so a throttled or
 * retried invocation never lets the message reappear while it is still being processed.
 */
const RETRY_WORKER_TIMEOUT = FUNCTION_SPECS['retry-worker'].timeout;
const RETRY_VISIBILITY_TIMEOUT = Duration.seconds(RETRY_WORKER_TIMEOUT.toSeconds() * 6);
/** Jobs per worker invocation: Powertools processes them in parallel and reports each failure alone. */
const RETRY_BATCH_SIZE = 10;
const HEALTH_CHECK_RATE = Duration.minutes(5);
const DELIVERY_VISIBILITY_TIMEOUT = Duration.seconds(FUNCTION_SPECS['delivery-worker'].timeout.toSeconds() * 6);
/** Deliveries per worker invocation, POSTed in parallel. */
const DELIVERY_BATCH_SIZE = 10;

/**
 * Bundling hooks: every function's bundle is rebuilt split (infra/split-bundle.ts), so each
 * provider's implementation is a chunk loaded on that provider's first call; the web function
 * also gets the page's script beside its bundle (shared/web/assets.ts), built with the same
 * esbuild settings the source checkout uses.
 */
function bundlingHooks(name: LambdaName, providers: readonly string[] | undefined) {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir: string, outputDir: string) => [
      `cd "${inputDir}" && npx tsx infra/split-bundle.ts ${name} "${outputDir}" ${providers?.join(',') ?? ''}`,
      ...(name === 'web' ? [`cd "${inputDir}" && npx tsx infra/build-web-client.ts "${outputDir}/${CLIENT_BUNDLE_FILE}"`] : []),
    ],
  };
}

/**
 * The table's actions on the table and the named indexes only (TableV2.grant adds every index
 * of the table, `index/*`, to every function).
 */
function grantTable(role: Role, table: TableV2, access: TableAccess, indexes: readonly string[] = []): void {
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: [...TABLE_ACTIONS[access]],
      resources: [table.tableArn, ...indexes.map((index) => `${table.tableArn}/index/${index}`)],
    }),
  );
}

const HTTP_METHODS: Record<(typeof ROUTES)[number]['method'], HttpMethod> = {
  GET: HttpMethod.GET,
  POST: HttpMethod.POST,
  PUT: HttpMethod.PUT,
  DELETE: HttpMethod.DELETE,
};

export class PierreStack extends Stack {
  readonly connectionsTable: TableV2;
  readonly cacheTable: TableV2;
  readonly configSecret: ISecret;
  readonly retryQueue: Queue;
  readonly deadLetterQueue: Queue;
  readonly endpointSecretsTable: TableV2;
  readonly deliveryQueue: Queue;
  readonly deliveryDeadLetterQueue: Queue;
  readonly alarms: PierreAlarms;
  readonly functions: ReadonlyMap<LambdaName, NodejsFunction>;
  readonly api: HttpApi;
  /** The providers the functions were bundled with (every built-in one when undefined). */
  readonly providers: readonly string[] | undefined;

  constructor(scope: Construct, id: string, props: PierreStackProps = {}) {
    super(scope, id, props);

    this.connectionsTable = new TableV2(this, 'ConnectionsTable', {
      partitionKey: { name: CONNECTIONS_TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: CONNECTIONS_TABLE_KEYS.sortKey, type: AttributeType.STRING },
      timeToLiveAttribute: CONNECTIONS_TABLE_KEYS.ttlAttribute,
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
      // Tokens and jobs live here: neither a stray `cdk destroy` nor a console click deletes it.
      deletionProtection: props.deletionProtection ?? true,
      globalSecondaryIndexes: [
        {
          indexName: CONNECTIONS_TABLE_KEYS.byProviderUser.indexName,
          partitionKey: { name: CONNECTIONS_TABLE_KEYS.byProviderUser.partitionKey, type: AttributeType.STRING },
          sortKey: { name: CONNECTIONS_TABLE_KEYS.byProviderUser.sortKey, type: AttributeType.STRING },
        },
      ],
    });

    this.cacheTable = new TableV2(this, 'CacheTable', {
      partitionKey: { name: CACHE_TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: CACHE_TABLE_KEYS.sortKey, type: AttributeType.STRING },
      timeToLiveAttribute: CACHE_TABLE_KEYS.ttlAttribute,
      billing: Billing.onDemand(),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Never created here: a deploy must never write its value. The operator creates it (docs/deploying.md) and fills in the
    // secret PIERRE_* keys; only the functions whose code paths use them may read it (FUNCTION_SPECS[].secrets).
    this.configSecret = secretNamed(this, 'ConfigSecret', props.configSecret ?? 'pierre/config');

    const retryDlq = (this.deadLetterQueue = new Queue(this, 'RetryDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    }));
    this.retryQueue = new Queue(this, 'RetryQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: RETRY_VISIBILITY_TIMEOUT,
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: retryDlq, maxReceiveCount: 5 },
    });

    // Endpoint signing secrets, apart: only the delivery worker may read this table (the endpoints function only writes).
    this.endpointSecretsTable = new TableV2(this, 'EndpointSecretsTable', {
      partitionKey: { name: ENDPOINT_SECRETS_TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: ENDPOINT_SECRETS_TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // A delivery's own failures are re-queued with a backoff; only a message the worker could not
    // handle at all (a store error five times over) reaches the dead-letter queue.
    this.deliveryDeadLetterQueue = new Queue(this, 'DeliveryDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.deliveryQueue = new Queue(this, 'DeliveryQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: DELIVERY_VISIBILITY_TIMEOUT,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deliveryDeadLetterQueue, maxReceiveCount: 5 },
    });

    this.providers = parseProviderSelection(props.providers);
    const webhookSecrets = garminWebhookSecretEnv(this.providers, props.garminWebhookSecret);
    const providerAlias = this.providers ? providerListAlias(this.providers) : {};

    const jwtIssuer = props.jwtIssuer ?? DEFAULT_JWT_ISSUER;
    const jwtAudience = props.jwtAudience ?? DEFAULT_JWT_AUDIENCE;
    const jwtAuthorizer = new HttpJwtAuthorizer('JwtAuthorizer', jwtIssuer, { jwtAudience });
    const noAuth = new HttpNoneAuthorizer();

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `${this.stackName}-api`,
      description: 'Pierre fitness providers API',
      // The stage is added below: HttpApi's own default stage takes no throttling settings.
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...CORS.allowOrigins],
        allowMethods: CORS.allowMethods.map((method) => CorsHttpMethod[method]),
        allowHeaders: [...CORS.allowHeaders],
        maxAge: Duration.seconds(CORS.maxAgeSecs),
      },
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const throttle = props.throttle ?? DEFAULT_THROTTLE;
    const webhookThrottle = props.webhookThrottle ?? DEFAULT_WEBHOOK_THROTTLE;
    const stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { burstLimit: throttle.burst, rateLimit: throttle.rate },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)) },
    });
    // Webhook routes are public: their own, lower limit keeps a flood of forged deliveries
    // from using up the API's budget (answers over it are 429, which providers retry).
    const webhookRoutes = ROUTES.filter((route) => route.fn === 'webhooks');
    (stage.node.defaultChild as CfnStage).routeSettings = Object.fromEntries(
      webhookRoutes.map((route) => [
        `${route.method} ${route.path}`,
        { ThrottlingRateLimit: webhookThrottle.rate, ThrottlingBurstLimit: webhookThrottle.burst },
      ]),
    );

    // The custom domain when there is one (provider apps stay registered across stacks), else the API's own URL.
    const publicBaseUrl = props.domain ? `https://${props.domain.name}` : this.api.apiEndpoint;
    if (props.domain) {
      const domainName = new DomainName(this, 'ApiDomain', {
        domainName: props.domain.name,
        certificate: Certificate.fromCertificateArn(this, 'ApiCertificate', props.domain.certificateArn),
      });
      new ApiMapping(this, 'ApiDomainMapping', { api: this.api, domainName, stage });
      new CfnOutput(this, 'ApiDomainTarget', { value: domainName.regionalDomainName, description: `CNAME (or alias) ${props.domain.name} to this` });
    }

    const functions = new Map<LambdaName, NodejsFunction>();
    const xrayPolicies: Policy[] = [];
    for (const name of LAMBDA_NAMES) {
      const spec = FUNCTION_SPECS[name];
      const id = `${pascalCase(name)}Function`;
      const logGroup = new LogGroup(this, `${id}Logs`, { retention: RetentionDays.ONE_MONTH });
      // Its own role rather than the managed basic-execution policy, which may write to every log group.
      const role = new Role(this, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
      logGroup.grantWrite(role);
      // Active tracing, its two '*' actions in a policy of their own (Tracing.ACTIVE would add them to the role's main policy).
      const xray = new Policy(this, `${id}XRay`, {
        roles: [role],
        statements: [new PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] })],
      });
      xrayPolicies.push(xray);
      const fn = new NodejsFunction(this, id, {
        role,
        entry: join(REPO_ROOT, 'functions', `${name}.ts`),
        handler: 'handler',
        projectRoot: REPO_ROOT,
        depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
        runtime: Runtime.NODEJS_22_X,
        architecture: Architecture.ARM_64,
        memorySize: spec.memoryMb,
        timeout: spec.timeout,
        logGroup,
        // Lambda's own lines (START, REPORT, timeouts) as JSON too, beside the Powertools logger's (request and trace ids).
        loggingFormat: LoggingFormat.JSON,
        bundling: {
          format: OutputFormat.ESM,
          target: BUNDLE.target,
          minify: BUNDLE.minify,
          sourceMap: BUNDLE.sourceMap,
          sourcesContent: BUNDLE.sourcesContent,
          mainFields: [...BUNDLE.mainFields],
          banner: BUNDLE.banner,
          externalModules: externalModulesOf(name),
          esbuildArgs: Object.fromEntries(Object.entries(providerAlias).map(([from, to]) => [`--alias:${from}`, to])),
          forceDockerBundling: false,
          commandHooks: bundlingHooks(name, this.providers),
        },
        environment: {
          ...props.settings,
          // Functions that need no secret key get no secret: they run with the non-secret settings alone.
          ...(spec.secrets ? { PIERRE_CONFIG_SECRET_ID: this.configSecret.secretArn } : { PIERRE_SECRETS_WITHHELD: 'true' }),
          PIERRE_CONNECTIONS_TABLE: this.connectionsTable.tableName,
          PIERRE_CACHE_TABLE: this.cacheTable.tableName,
          PIERRE_RETRY_QUEUE_URL: this.retryQueue.queueUrl,
          PIERRE_DELIVERY_QUEUE_URL: this.deliveryQueue.queueUrl,
          // Only the functions that touch the secrets know their table.
          ...(spec.endpointSecrets && { PIERRE_ENDPOINT_SECRETS_TABLE: this.endpointSecretsTable.tableName }),
          PIERRE_PUBLIC_BASE_URL: publicBaseUrl,
          // Named as the authorization server in /.well-known/oauth-protected-resource.
          PIERRE_JWT_ISSUER: jwtIssuer,
          POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
          // Only the function that verifies deliveries holds the webhook secrets.
          ...(name === 'webhooks' && webhookSecrets),
        },
      });
      // Each function gets what its code paths use (infra/functions.ts), the secret included.
      if (spec.secrets) this.configSecret.grantRead(fn);
      (fn.node.defaultChild as CfnFunction).tracingConfig = { mode: 'Active' };
      // Lambda checks the role may write traces when the function is created.
      fn.node.addDependency(xray);
      const reserved = props.reservedConcurrency?.[name];
      if (reserved !== undefined) (fn.node.defaultChild as CfnFunction).reservedConcurrentExecutions = reserved;
      if (spec.connections) {
        grantTable(role, this.connectionsTable, spec.connections, spec.providerUserIndex ? [CONNECTIONS_TABLE_KEYS.byProviderUser.indexName] : []);
      }
      if (spec.cache) grantTable(role, this.cacheTable, spec.cache);
      if (spec.queue) this.retryQueue.grantSendMessages(fn);
      if (spec.queue === 'consume') {
        // The event source grants the receive, delete and visibility actions on this queue alone.
        fn.addEventSource(
          new SqsEventSource(this.retryQueue, {
            batchSize: RETRY_BATCH_SIZE,
            reportBatchItemFailures: true,
            maxConcurrency: props.retryWorkerConcurrency ?? DEFAULT_RETRY_WORKER_CONCURRENCY,
          }),
        );
      }
      if (spec.deliveries) this.deliveryQueue.grantSendMessages(fn);
      if (spec.deliveries === 'consume') {
        fn.addEventSource(
          new SqsEventSource(this.deliveryQueue, {
            batchSize: DELIVERY_BATCH_SIZE,
            reportBatchItemFailures: true,
            maxConcurrency: props.deliveryWorkerConcurrency ?? DEFAULT_DELIVERY_WORKER_CONCURRENCY,
          }),
        );
      }
      if (spec.endpointSecrets) {
        role.addToPrincipalPolicy(
          new PolicyStatement({ actions: [...SECRETS_TABLE_ACTIONS[spec.endpointSecrets]], resources: [this.endpointSecretsTable.tableArn] }),
        );
      }
      functions.set(name, fn);
    }
    this.functions = functions;

    // The scheduled probe: Scheduler's role may invoke this one function and nothing else.
    const schedulerRole = new Role(this, 'HealthCheckSchedulerRole', {
      // Only schedules of this account may use it (the confused-deputy guard Scheduler documents).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
    });
    new Schedule(this, 'HealthCheckSchedule', {
      description: 'Probes every provider and records its health and circuit',
      schedule: ScheduleExpression.rate(HEALTH_CHECK_RATE),
      target: new LambdaInvoke(functions.get('health-check')!, { retryAttempts: 0, role: schedulerRole }),
    });

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const route of ROUTES) {
      if (!integrations.has(route.fn)) integrations.set(route.fn, new HttpLambdaIntegration(`${pascalCase(route.fn)}Integration`, functions.get(route.fn)!));
    }
    const publicRoutes: { fn: FunctionName; route: HttpRoute }[] = [];
    for (const route of ROUTES) {
      const authorizer: IHttpRouteAuthorizer = route.auth ? jwtAuthorizer : noAuth;
      const [added] = this.api.addRoutes({
        path: route.path,
        methods: [HTTP_METHODS[route.method]],
        integration: integrations.get(route.fn)!,
        authorizer,
      });
      if (!route.auth) publicRoutes.push({ fn: route.fn, route: added! });
    }

    this.alarms = new PierreAlarms(this, 'Alarms', {
      functions,
      timeouts: new Map(LAMBDA_NAMES.map((name) => [name, FUNCTION_SPECS[name].timeout])),
      deadLetterQueues: new Map([
        ['RetryDeadLetterQueue', retryDlq],
        ['DeliveryDeadLetterQueue', this.deliveryDeadLetterQueue],
      ]),
      retryQueue: this.retryQueue,
      tables: new Map([
        ['ConnectionsTable', this.connectionsTable],
        ['CacheTable', this.cacheTable],
        ['EndpointSecretsTable', this.endpointSecretsTable],
      ]),
      apiStage: stage,
      providers: this.providers ?? BUILTIN_PROVIDER_NAMES,
      alarmEmail: props.alarmEmail,
      alarmTopicArn: props.alarmTopicArn,
    });
    new CfnOutput(this, 'DashboardName', { value: this.alarms.dashboard.dashboardName });

    acknowledgeNagFindings(this, {
      functions,
      xrayPolicies,
      publicRoutes,
      deadLetterQueues: [retryDlq, this.deliveryDeadLetterQueue],
      schedulerRole,
      healthCheck: functions.get('health-check')!,
    });

    new CfnOutput(this, 'ApiUrl', { value: stage.url });
    new CfnOutput(this, 'ConnectionsTableName', { value: this.connectionsTable.tableName });
    new CfnOutput(this, 'CacheTableName', { value: this.cacheTable.tableName });
    new CfnOutput(this, 'ConfigSecretArn', { value: this.configSecret.secretArn });
    new CfnOutput(this, 'RetryQueueUrl', { value: this.retryQueue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: retryDlq.queueUrl });
    new CfnOutput(this, 'EndpointSecretsTableName', { value: this.endpointSecretsTable.tableName });
    new CfnOutput(this, 'DeliveryQueueUrl', { value: this.deliveryQueue.queueUrl });
    new CfnOutput(this, 'DeliveryDeadLetterQueueUrl', { value: this.deliveryDeadLetterQueue.queueUrl });
  }
}

/**
 * A secret the operator created, by name or ARN (a name's grants cover the random suffix Secrets Manager adds). A complete
 * ARN (the `ConfigSecretArn` output of a stack that created its secret) is granted as it is: read as a partial ARN, its
 * grant would ask for a second suffix and match nothing.
 */
function secretNamed(scope: Construct, id: string, nameOrArn: string): ISecret {
  if (!nameOrArn.startsWith('arn:')) return Secret.fromSecretNameV2(scope, id, nameOrArn);
  // Secrets Manager ends a secret's ARN with `-` and 6 random characters (the CDK's own test for a complete ARN).
  return /-[a-z0-9]{6}$/i.test(nameOrArn) ? Secret.fromSecretCompleteArn(scope, id, nameOrArn) : Secret.fromSecretPartialArn(scope, id, nameOrArn);
}
