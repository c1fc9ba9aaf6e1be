/**
 * `npm start` against an emulator's SQS (PIERRE_RETRY_QUEUE_URL with AWS_ENDPOINT_URL): the
 * local server plays the Lambda event source, receiving job messages and handing them to the
 * same worker use case within an invocation's time, deleting each one it handled (a thrown one
 * is redelivered by SQS).
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Container } from '../shared/app/container';
import { processJobInTime, runWithinInvocation, WORKER_INVOCATION_MS, type JobOutcome } from '../shared/app/retry-worker';
import { deliveryDeps } from '../shared/app/deliveries';
import { processDelivery, type DeliveryOutcome } from '../shared/events/delivery';

export async function drainSqsQueue(container: Container, client: SQSClient, queueUrl: string, waitSecs = 0): Promise<JobOutcome[]> {
  const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSecs }));
  const outcomes: JobOutcome[] = [];
  await runWithinInvocation(container, WORKER_INVOCATION_MS, async () => {
    for (const message of Messages) {
      try {
        outcomes.push(await processJobInTime(container, message.Body ?? ''));
        await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      } catch {
        // Left in the queue: SQS delivers it again after its visibility timeout.
      }
    }
  });
  return outcomes;
}

/** The delivery queue's counterpart: the delivery worker's use case on each received message. */
export async function drainSqsDeliveries(container: Container, client: SQSClient, queueUrl: string, waitSecs = 0): Promise<DeliveryOutcome[]> {
  const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSecs }));
  const deps = deliveryDeps(container);
  const settled = await Promise.allSettled(
    Messages.map(async (message) => {
      const outcome = await processDelivery(deps, message.Body ?? '');
      await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      return outcome;
    }),
  );
  // A thrown one stays in the queue: SQS delivers it again after its visibility timeout.
  return settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
}

export function localSqsClient(): SQSClient {
  return new SQSClient({});
}
