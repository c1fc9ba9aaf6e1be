/**
 * The stack's CloudWatch alarms, each sent to the optional SNS topic: a job or an event delivery
 * that reached its dead-letter queue, a function that failed or was throttled, a provider whose scheduled
 * health check failed (the `ProviderHealthy` metric the health-check function emits, 1 or 0).
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { pascalCase } from './functions';

/** The namespace and dimensions shared/app/observability.ts emits metrics under (Powertools adds `service`). */
const METRICS_NAMESPACE = 'Pierre';
export const SERVICE_NAME = 'pierre-providers';

const PERIOD = Duration.minutes(5);

export interface AlarmsProps {
  functions: ReadonlyMap<string, IFunction>;
  deadLetterQueue: IQueue;
  /** Event deliveries the worker could not handle (a store or queue error, five receives). */
  deliveryDeadLetterQueue: IQueue;
  /** The providers the health check probes. */
  providers: readonly string[];
  /** Where alarms go: a new topic with this e-mail subscribed, or an existing topic. */
  alarmEmail?: string;
  alarmTopicArn?: string;
}

export class PierreAlarms extends Construct {
  readonly alarms: Alarm[] = [];
  readonly topic: ITopic | undefined;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = props.alarmTopicArn
      ? Topic.fromTopicArn(this, 'Topic', props.alarmTopicArn)
      : props.alarmEmail
        ? new Topic(this, 'Topic', { displayName: 'Pierre providers alarms', enforceSSL: true })
        : undefined;
    if (props.alarmEmail && !props.alarmTopicArn) (this.topic as Topic).addSubscription(new EmailSubscription(props.alarmEmail));
    const action: IAlarmAction | undefined = this.topic && new SnsAction(this.topic);

    const add = (
      alarmId: string,
      description: string,
      metric: Metric,
      threshold: number,
      comparison: ComparisonOperator,
      missing: TreatMissingData,
      periods = 1,
    ) => {
      const alarm = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: comparison,
        evaluationPeriods: periods,
        datapointsToAlarm: periods,
        treatMissingData: missing,
      });
      if (action) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
      this.alarms.push(alarm);
    };

    add(
      'DeadLetterQueueNotEmpty',
      'A queued read failed 5 times and is in the dead-letter queue: read it, fix the cause, redrive it',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      0,
      ComparisonOperator.GREATER_THAN_THRESHOLD,
      TreatMissingData.NOT_BREACHING,
    );
    add(
      'DeliveryDeadLetterQueueNotEmpty',
      'An event delivery could not be handled 5 times (a store or queue error, not a failing endpoint) and is in the delivery dead-letter queue: fix the cause, redrive it',
      props.deliveryDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      0,
      ComparisonOperator.GREATER_THAN_THRESHOLD,
      TreatMissingData.NOT_BREACHING,
    );
    for (const [name, fn] of props.functions) {
      const base = pascalCase(name);
      add(
        `${base}Errors`,
        `The ${name} function failed (an uncaught error or timeout); see its log group`,
        fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
        0,
        ComparisonOperator.GREATER_THAN_THRESHOLD,
        TreatMissingData.NOT_BREACHING,
      );
      add(
        `${base}Throttles`,
        `The ${name} function was throttled (account or reserved concurrency exhausted)`,
        fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
        0,
        ComparisonOperator.GREATER_THAN_THRESHOLD,
        TreatMissingData.NOT_BREACHING,
      );
    }
    for (const provider of props.providers) {
      const base = pascalCase(provider);
      // Two checks in a row (10 minutes): one lost probe does not page. No data counts as
      // unhealthy too, so a schedule or health-check function that stopped running is noticed.
      add(
        `${base}Unhealthy`,
        `${provider} failed its scheduled health check twice in a row (or no check ran): its circuit may open; see the health-check logs and GET /health`,
        new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: 'ProviderHealthy',
          dimensionsMap: { service: SERVICE_NAME, provider },
          period: PERIOD,
          statistic: 'Minimum',
        }),
        1,
        ComparisonOperator.LESS_THAN_THRESHOLD,
        TreatMissingData.BREACHING,
        2,
      );
    }
  }
}
