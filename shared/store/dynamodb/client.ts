import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { awsClientConfig } from '../../aws/client-config';
import { traceAwsClient } from '../../aws/xray';

/**
 * A document client for the store adapters. Build it once per container (the composition
 * root does). The endpoint comes from AWS_ENDPOINT_URL when set (emulators), else AWS.
 *
 * The SDK is imported here, on first use, and nowhere else in the adapters: the Lambda bundles
 * split it into chunks of its own, so a function that never builds a store never loads it, and
 * one that does loads it while its configuration secret is being fetched.
 */
export async function createDocumentClient(client?: DynamoDBClient): Promise<DynamoDBDocument> {
  const [{ DynamoDBClient }, { DynamoDBDocument }] = await Promise.all([import('@aws-sdk/client-dynamodb'), import('@aws-sdk/lib-dynamodb')]);
  return DynamoDBDocument.from(client ?? traceAwsClient(new DynamoDBClient(awsClientConfig())), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** A failed ConditionExpression (matched by name: the SDK's error class is not imported up front). */
export function isConditionFailure(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}

/** Deletes one item; true when it existed (so racing erasures count each item once). */
export async function deleteCounted(doc: DynamoDBDocument, tableName: string, key: Record<string, unknown>): Promise<boolean> {
  const { Attributes } = await doc.delete({ TableName: tableName, Key: key, ReturnValues: 'ALL_OLD' });
  return Attributes !== undefined;
}
