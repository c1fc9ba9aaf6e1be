/**
 * The retry worker: SQS batches of job messages, with partial batch failures (Powertools batch).
 * The batch runs within the invocation's remaining time; a job it could not start or finish in
 * time is a batch item failure, so only that job comes back, never the whole batch.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { providerContainer } from '../shared/app/container';
import { processJobInTime, runWithinInvocation } from '../shared/app/retry-worker';

const processor = new BatchProcessor(EventType.SQS);

export const handler = async (event: SQSEvent, context: Context) => {
  const container = await providerContainer();
  return runWithinInvocation(container, context.getRemainingTimeInMillis(), () =>
    processPartialResponse(event, (record: SQSRecord) => processJobInTime(container, record.body), processor, {
      context,
      // A batch whose every record failed is still answered as item failures (each is redelivered alone).
      throwOnFullBatchFailure: false,
    }),
  );
};
