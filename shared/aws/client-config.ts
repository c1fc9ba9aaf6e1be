/**
 * Settings every AWS SDK client of the service is built with. The SDK waits on a silent socket
 * forever by default, so one stalled connection would hold an invocation until Lambda ends it;
 * with these a stalled request is abandoned and retried (the SDK's standard mode tries three
 * times). DynamoDB, SQS and Secrets Manager answer in milliseconds to tens of milliseconds.
 */
const AWS_CONNECTION_TIMEOUT_MS = 1_000;
const AWS_REQUEST_TIMEOUT_MS = 2_000;

export function awsClientConfig(requestTimeoutMs = AWS_REQUEST_TIMEOUT_MS) {
  return {
    // Without throwOnRequestTimeout the handler only logs a warning when the timeout passes.
    requestHandler: { connectionTimeout: AWS_CONNECTION_TIMEOUT_MS, requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true },
  };
}
