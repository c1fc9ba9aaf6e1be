/**
 * What the people running the service are told, and what they look at: CloudWatch alarms (each
 * sent to the optional SNS topic, each described with what it means and what to do; the
 * runbook is docs/alarms.md) and one dashboard of the same metrics.
 *
 * The HTTP layer answers every error itself, so Lambda's `Errors` sees only crashes and
 * timeouts: user-facing failures are watched through API Gateway's 5xx and latency and through
 * the `ServerError` metric the handler emits for every 5xx it answers.
 */
import { Duration } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IAlarmAction,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS } from '../shared/app/metric-names';
import { pascalCase } from './functions';

/** The namespace and service dimension shared/app/observability.ts emits metrics under. */
const METRICS_NAMESPACE = METRICS.namespace;
export const SERVICE_NAME = METRICS.service;

const PERIOD = Duration.minutes(5);

/** The DynamoDB operations the service makes (an alarm's math may hold at most 10 metrics). */
const TABLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.QUERY,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.SCAN,
];

/** Above this share of 5xx answers (percent) for two periods in a row, users are failing. */
const API_5XX_PERCENT = 5;
/** p99 latency (ms) the API should stay under: the data function's timeout is 10 s. */
const API_P99_MS = 5_000;
/** A function whose p99 duration passes this share of its timeout is about to time out. */
const NEAR_TIMEOUT_SHARE = 0.8;
/** A retry job older than this has been re-delayed many times or is not consumed (SQS delays max out at 15 minutes). */
const RETRY_OLDEST_SECS = 3_600;
/** Reads deferred for a rate limit per provider and period, three periods in a row: the app's budget is short. */
const DEFERRED_READS = 100;

export interface AlarmsProps {
  functions: ReadonlyMap<string, IFunction>;
  /** Each function's timeout, for the duration-near-timeout alarms. */
  timeouts: ReadonlyMap<string, Duration>;
  /** Every dead-letter queue of the stack, by a name for the alarm. */
  deadLetterQueues: ReadonlyMap<string, IQueue>;
  retryQueue: IQueue;
  tables: ReadonlyMap<string, TableV2>;
  apiStage: HttpStage;
  /** The providers the health check probes. */
  providers: readonly string[];
  /** Where alarms go: a new topic with this e-mail subscribed, or an existing topic. */
  alarmEmail?: string;
  alarmTopicArn?: string;
}

interface AlarmSpec {
  description: string;
  metric: IMetric;
  threshold: number;
  comparison?: ComparisonOperator;
  missing?: TreatMissingData;
  periods?: number;
}

const custom = (metricName: string, statistic: string, dimensions: Record<string, string> = {}) =>
  new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: SERVICE_NAME, ...dimensions }, period: PERIOD, statistic });

export class PierreAlarms extends Construct {
  readonly alarms: Alarm[] = [];
  readonly topic: ITopic | undefined;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = props.alarmTopicArn
      ? Topic.fromTopicArn(this, 'Topic', props.alarmTopicArn)
      : props.alarmEmail
        ? new Topic(this, 'Topic', { displayName: 'Pierre providers alarms', enforceSSL: true })
        : undefined;
    if (props.alarmEmail && !props.alarmTopicArn) (this.topic as Topic).addSubscription(new EmailSubscription(props.alarmEmail));
    const action: IAlarmAction | undefined = this.topic && new SnsAction(this.topic);

    const add = (alarmId: string, spec: AlarmSpec): Alarm => {
      const periods = spec.periods ?? 1;
      const alarm = new Alarm(this, alarmId, {
        alarmDescription: spec.description,
        metric: spec.metric,
        threshold: spec.threshold,
        comparisonOperator: spec.comparison ?? ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: periods,
        datapointsToAlarm: periods,
        treatMissingData: spec.missing ?? TreatMissingData.NOT_BREACHING,
      });
      if (action) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
      this.alarms.push(alarm);
      return alarm;
    };

    // What users feel at the API.
    const stage = props.apiStage;
    const requests = stage.metricCount({ period: PERIOD, statistic: 'Sum' });
    const serverErrors = stage.metricServerError({ period: PERIOD, statistic: 'Sum' });
    const errorRate = new MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      label: '5xx %',
      period: PERIOD,
    });
    const p99 = stage.metricLatency({ period: PERIOD, statistic: 'p99' });
    const handledErrors = custom(METRICS.serverError, 'Sum');
    add('Api5xxRate', {
      description: `More than ${API_5XX_PERCENT} % of API answers were 5xx for 10 minutes: see the ServerError metric by route on the dashboard and the functions' logs`,
      metric: errorRate,
      threshold: API_5XX_PERCENT,
      periods: 2,
    });
    add('ApiLatencyP99', {
      description: `The API's p99 latency passed ${API_P99_MS} ms for 15 minutes: a provider or DynamoDB is slow; see integration latency and provider health`,
      metric: p99,
      threshold: API_P99_MS,
      periods: 3,
    });
    add('ServerErrors', {
      description:
        'The functions answered 5xx (handled errors: provider failures, timeouts, a start-up that failed) in two periods in a row; see ServerError by route',
      metric: handledErrors,
      threshold: 10,
      periods: 2,
    });

    for (const [name, fn] of props.functions) {
      const base = pascalCase(name);
      add(`${base}Errors`, {
        description: `The ${name} function failed (an uncaught error or timeout); see its log group`,
        metric: fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
        threshold: 0,
      });
      add(`${base}Throttles`, {
        description: `The ${name} function was throttled (account or reserved concurrency exhausted)`,
        metric: fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
        threshold: 0,
      });
      const timeout = props.timeouts.get(name);
      if (timeout) {
        add(`${base}NearTimeout`, {
          description: `The ${name} function's p99 duration passed ${NEAR_TIMEOUT_SHARE * 100} % of its ${timeout.toSeconds()} s timeout for 10 minutes: a dependency is slow`,
          metric: fn.metricDuration({ period: PERIOD, statistic: 'p99' }),
          threshold: timeout.toMilliseconds() * NEAR_TIMEOUT_SHARE,
          periods: 2,
        });
      }
    }

    for (const [name, table] of props.tables) {
      add(`${name}Throttles`, {
        description: `DynamoDB throttled requests on the ${name} table (on-demand capacity is adapting or a partition is hot); reads and writes are being retried`,
        metric: table.metricThrottledRequestsForOperations({ operations: TABLE_OPERATIONS, period: PERIOD, statistic: 'Sum' }),
        threshold: 0,
      });
      add(`${name}SystemErrors`, {
        description: `DynamoDB answered 500s on the ${name} table: see the AWS Health Dashboard; the SDK retries them`,
        metric: table.metricSystemErrorsForOperations({ operations: TABLE_OPERATIONS, period: PERIOD, statistic: 'Sum' }),
        threshold: 0,
      });
    }

    add('RetryQueueOldestMessage', {
      description: `A queued read has waited over ${RETRY_OLDEST_SECS / 60} minutes: the retry worker is failing, throttled or a provider's window stays closed`,
      metric: props.retryQueue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' }),
      threshold: RETRY_OLDEST_SECS,
    });
    for (const [name, queue] of props.deadLetterQueues) {
      add(`${name}NotEmpty`, {
        description: `A message reached the ${name} dead-letter queue after its retries: read it, fix the cause, redrive it`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
        threshold: 0,
      });
    }

    for (const provider of props.providers) {
      const base = pascalCase(provider);
      // Two checks in a row (10 minutes): one lost probe does not page. No data counts as
      // unhealthy too, so a schedule or health-check function that stopped running is noticed.
      add(`${base}Unhealthy`, {
        description: `${provider} failed its scheduled health check twice in a row (or no check ran): its circuit may open; see the health-check logs and GET /health`,
        metric: custom(METRICS.providerHealthy, 'Minimum', { provider }),
        threshold: 1,
        comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
        missing: TreatMissingData.BREACHING,
        periods: 2,
      });
      add(`${base}RateLimited`, {
        description: `Over ${DEFERRED_READS} ${provider} reads per 5 minutes were deferred for its rate limit, 15 minutes running: users wait for queued answers; ask ${provider} for a higher limit or lower PIERRE_${provider.toUpperCase()}_USER_SHARE`,
        metric: custom(METRICS.readDeferred, 'Sum', { provider, reason: 'rate_limited' }),
        threshold: DEFERRED_READS,
        periods: 3,
      });
    }

    this.dashboard = this.buildDashboard(props, { requests, serverErrors, p99, handledErrors });
  }

  private buildDashboard(props: AlarmsProps, api: { requests: IMetric; serverErrors: IMetric; p99: IMetric; handledErrors: IMetric }): Dashboard {
    const dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(6) });
    const fns = [...props.functions];
    const graph = (title: string, left: IMetric[], width = 12) => new GraphWidget({ title, left, width, height: 6 });
    dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }));
    dashboard.addWidgets(graph('API requests and 5xx', [api.requests, api.serverErrors, api.handledErrors]), graph('API latency p99 (ms)', [api.p99]));
    dashboard.addWidgets(
      graph(
        'Function errors',
        fns.map(([name, fn]) => fn.metricErrors({ period: PERIOD, statistic: 'Sum', label: name })),
      ),
      graph(
        'Function duration p99 (ms)',
        fns.map(([name, fn]) => fn.metricDuration({ period: PERIOD, statistic: 'p99', label: name })),
      ),
    );
    dashboard.addWidgets(
      graph(
        'DynamoDB throttles',
        // Per-operation math would repeat metric ids across tables on one graph: the table-wide throttle events instead.
        [...props.tables].flatMap(([name, table]) =>
          ['ReadThrottleEvents', 'WriteThrottleEvents'].map((metric) => table.metric(metric, { period: PERIOD, statistic: 'Sum', label: `${name} ${metric}` })),
        ),
      ),
      graph('Queues: oldest retry (s) and dead letters', [
        props.retryQueue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' }),
        ...[...props.deadLetterQueues].map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: name }),
        ),
      ]),
    );
    dashboard.addWidgets(
      graph(
        'Provider health (1 = answered)',
        props.providers.map((provider) => custom(METRICS.providerHealthy, 'Minimum', { provider }).with({ label: provider })),
      ),
      graph(
        'Reads deferred for rate limits',
        props.providers.map((provider) => custom(METRICS.readDeferred, 'Sum', { provider, reason: 'rate_limited' }).with({ label: provider })),
      ),
    );
    return dashboard;
  }
}
