/** How long callers are asked to wait (Retry-After) while the service cannot start. */
export const SERVICE_RETRY_SECS = 5;

/** Failures the service reports to its callers, each with its HTTP status and stable code. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const invalidRequest = (field: string, problem: string) => new AppError(400, 'invalid_request', `Invalid '${field}': ${problem}`);

export const invalidState = () => new AppError(400, 'invalid_state', 'The OAuth state is unknown, expired or already used; start the connection again');

export const notConnected = (provider: string) =>
  new AppError(409, 'not_connected', `You are not connected to '${provider}'; connect first (GET /connect/${provider}, or the connect_provider tool)`);

export const unreadableConnection = (provider: string) =>
  new AppError(409, 'reauthorization_required', `The stored ${provider} connection can no longer be read; connect again with GET /connect/${provider}`);

export const unauthorized = (message = 'A valid bearer token is required') => new AppError(401, 'unauthorized', message);

/** The invocation's time ran out before an answer: 503 with Retry-After, never a 500. */
export const serviceTimeout = (message = 'The service took too long to answer; try again shortly') =>
  new AppError(503, 'service_timeout', message, { 'retry-after': String(SERVICE_RETRY_SECS) });
