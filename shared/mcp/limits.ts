/**
 * What one MCP POST may cost. Before any message of a batch runs: at most MAX_BATCH_MESSAGES messages,
 * at most MAX_ALL_PROVIDER_CALLS `provider=all` calls (each reads every connected provider),
 * `arguments` an object, ids not repeated. After every tool has answered: the answer fits in
 * MAX_ANSWER_BYTES (a Lambda answer holds at most 6 MB). Each refused message gets its own
 * JSON-RPC error naming the limit; the others run.
 */
import { ALL_PROVIDERS } from '../app/data';
import { Code as ErrorCode } from './protocol';

const MAX_BATCH_MESSAGES = 10;
const MAX_ALL_PROVIDER_CALLS = 1;
export const MAX_ANSWER_BYTES = 5 * 1024 * 1024;

type Id = string | number;
type Json = Record<string, unknown>;

export interface ErrorMessage {
  jsonrpc: '2.0';
  id: Id | null;
  error: { code: number; message: string };
}

/** A message of the batch as it will be answered: by the server, by a refusal here, or not at all. */
type Slot = { id: Id; method: string; refusal?: ErrorMessage };

export interface Screened {
  /** Whether the POST was a batch (answered with an array) or one message (one object). */
  batch: boolean;
  /** The messages the server answers. */
  admitted: unknown[];
  /** Every request of the POST, in order, with its refusal when it was refused here. */
  slots: Slot[];
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function requestOf(message: unknown): { id: Id; method: string; params: unknown } | undefined {
  if (!isObject(message) || typeof message['method'] !== 'string') return undefined;
  const id = message['id'];
  if (typeof id !== 'string' && typeof id !== 'number') return undefined;
  return { id, method: message['method'], params: message['params'] };
}

export const errorMessage = (id: Id | null, code: number, message: string): ErrorMessage => ({ jsonrpc: '2.0', id, error: { code, message } });

const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`);

/** Why a request within the batch size is refused, or undefined to let it run. */
function refusalOf(request: { id: Id; method: string; params: unknown }, seen: Set<Id>, allCalls: { count: number }): ErrorMessage | undefined {
  if (seen.has(request.id)) {
    return errorMessage(
      request.id,
      ErrorCode.InvalidRequest,
      `Invalid Request: id ${JSON.stringify(request.id)} repeats an earlier message of this batch; give each request its own id`,
    );
  }
  if (request.method !== 'tools/call' || !isObject(request.params) || !('arguments' in request.params)) return undefined;
  const args = request.params['arguments'];
  if (args === undefined) return undefined;
  if (!isObject(args)) {
    return errorMessage(request.id, ErrorCode.InvalidParams, `Invalid params: arguments must be an object of named arguments, not ${kindOf(args)}`);
  }
  if (args['provider'] === ALL_PROVIDERS && ++allCalls.count > MAX_ALL_PROVIDER_CALLS) {
    return errorMessage(
      request.id,
      ErrorCode.InvalidRequest,
      `Invalid Request: a batch holds at most ${MAX_ALL_PROVIDER_CALLS} provider=${ALL_PROVIDERS} call (it reads every connected provider); send this one in another request`,
    );
  }
  return undefined;
}

/** Sorts a parsed POST body into what runs and what is refused here. Undefined: an empty batch. */
export function screen(body: unknown): Screened | undefined {
  const batch = Array.isArray(body);
  const messages: unknown[] = batch ? body : [body];
  if (messages.length === 0) return undefined;
  const admitted: unknown[] = [];
  const slots: Slot[] = [];
  const seen = new Set<Id>();
  const allCalls = { count: 0 };
  messages.forEach((message, index) => {
    const request = requestOf(message);
    if (index >= MAX_BATCH_MESSAGES) {
      // Beyond the limit only requests are answered; a notification has no id to answer to.
      if (request && !seen.has(request.id)) {
        slots.push({
          ...request,
          refusal: errorMessage(
            request.id,
            ErrorCode.InvalidRequest,
            `Invalid Request: a batch holds at most ${MAX_BATCH_MESSAGES} messages and this is message ${index + 1}; send it in another request`,
          ),
        });
        seen.add(request.id);
      }
      return;
    }
    if (!request) {
      admitted.push(message);
      return;
    }
    const refusal = refusalOf(request, seen, allCalls);
    seen.add(request.id);
    slots.push(refusal ? { ...request, refusal } : request);
    if (!refusal) admitted.push(message);
  });
  return { batch, admitted, slots };
}

/**
 * Whether a JSON answer fits without measuring it: escaped once more, a UTF-16 unit of JSON
 * text takes at most 3 bytes (`"` and `\\` become 2, BMP characters at most 3 in UTF-8, pairs 4).
 */
export const surelyFits = (json: string): boolean => 3 * json.length + 2 <= MAX_ANSWER_BYTES;

/** Bytes a message takes in the Lambda answer, where the body travels as an escaped JSON string. */
function answerBytes(message: unknown): number {
  return Buffer.byteLength(JSON.stringify(JSON.stringify(message))) - 2;
}

function tooLarge(slot: Slot, bytes: number): unknown {
  const message = `This answer would take ${bytes} bytes, and an MCP answer holds at most ${MAX_ANSWER_BYTES} bytes (${MAX_ANSWER_BYTES / 1024 / 1024} MB) for all the messages of a POST; ask for less: a smaller limit, a shorter date range, or fewer calls per batch`;
  if (slot.method !== 'tools/call') return errorMessage(slot.id, ErrorCode.InternalError, message);
  const error = { error: { code: 'answer_too_large', message } };
  return { jsonrpc: '2.0', id: slot.id, result: { isError: true, content: [{ type: 'text', text: JSON.stringify(error) }] } };
}

/**
 * The answers in request order, each result that would take the whole past MAX_ANSWER_BYTES
 * replaced by an error saying to ask for less. Errors are small and always kept; results are
 * admitted first come, first served in request order. Room for every result's replacement is
 * kept from the start, so the whole never passes the bound.
 */
export function boundedAnswers(slots: readonly Slot[], answers: ReadonlyMap<Id, unknown>): unknown[] {
  type Sized = { answer: unknown; bytes: number; replacement?: unknown; replacementBytes: number };
  const ordered = slots.flatMap((slot): Sized[] => {
    const answer = slot.refusal ?? answers.get(slot.id);
    if (answer === undefined) return [];
    const bytes = answerBytes(answer);
    if (!isObject(answer) || !('result' in answer)) return [{ answer, bytes, replacementBytes: 0 }];
    const replacement = tooLarge(slot, bytes);
    return [{ answer, bytes, replacement, replacementBytes: answerBytes(replacement) }];
  });
  const framing = 2 + Math.max(0, ordered.length - 1);
  let used = ordered.reduce((sum, o) => sum + (o.replacement ? o.replacementBytes : o.bytes), framing);
  return ordered.map((o) => {
    if (!o.replacement) return o.answer;
    if (used - o.replacementBytes + o.bytes > MAX_ANSWER_BYTES) return o.replacement;
    used += o.bytes - o.replacementBytes;
    return o.answer;
  });
}
