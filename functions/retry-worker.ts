/** The retry worker: SQS batches of job messages, with partial batch failures (Powertools batch). */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { getContainer } from '../shared/app/container';
import { processJobMessage } from '../shared/app/retry-worker';

const processor = new BatchProcessor(EventType.SQS);

export const handler = async (event: SQSEvent, context: Context) => {
  const container = await getContainer();
  return processPartialResponse(event, (record: SQSRecord) => processJobMessage(container, record.body), processor, {
    context,
    // A batch whose every record failed is still answered as item failures (each is redelivered alone).
    throwOnFullBatchFailure: false,
  });
};
