import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { MAX_QUEUE_DELAY_SECS, type JobQueue } from '../store/ports';

export class SqsJobQueue implements JobQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(body: string, delaySecs: number): Promise<void> {
    const DelaySeconds = Math.max(0, Math.min(MAX_QUEUE_DELAY_SECS, Math.ceil(delaySecs)));
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body, DelaySeconds }));
  }
}
