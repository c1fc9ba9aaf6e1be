import type { SQSClient } from '@aws-sdk/client-sqs';
import { traceAwsClient } from '../aws/xray';
import { awsClientConfig } from '../aws/client-config';
import { MAX_QUEUE_DELAY_SECS, type JobQueue } from '../store/ports';

/**
 * JobQueue on the SQS retry queue. The SDK client is imported on the first send, not with the
 * module: in the Lambda bundles it is a chunk of its own, and most invocations never queue anything.
 */
export class SqsJobQueue implements JobQueue {
  #client: SQSClient | undefined;

  constructor(
    private readonly queueUrl: string,
    client?: SQSClient,
  ) {
    this.#client = client;
  }

  async send(body: string, delaySecs: number): Promise<void> {
    const { SQSClient, SendMessageCommand } = await import('@aws-sdk/client-sqs');
    this.#client ??= traceAwsClient(new SQSClient(awsClientConfig()));
    const DelaySeconds = Math.max(0, Math.min(MAX_QUEUE_DELAY_SECS, Math.ceil(delaySecs)));
    await this.#client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body, DelaySeconds }));
  }
}
