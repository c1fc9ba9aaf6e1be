/**
 * The delivery worker: SQS batches of event deliveries, with partial batch failures (Powertools
 * batch). A delivery's own failures are retried by re-queueing it with a backoff, not by
 * throwing; only a store or queue error throws, and then that one message comes back.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { coreContainer } from '../shared/app/container-core';
import { deliveryDeps } from '../shared/app/deliveries';
import { processDelivery } from '../shared/events/delivery';

const processor = new BatchProcessor(EventType.SQS);

export const handler = async (event: SQSEvent, context: Context) => {
  const deps = deliveryDeps(await coreContainer());
  return processPartialResponse(event, (record: SQSRecord) => processDelivery(deps, record.body), processor, {
    context,
    throwOnFullBatchFailure: false,
  });
};
