/**
 * Bodies of the simulators' control API (/_sim/...), read by one parser for every simulator:
 * a body that is not JSON, or not the shape an action takes, answers 400 naming what is wrong,
 * never a 500.
 */
import * as z from '../../../shared/zod';
import type { SimRequest } from './types';

export class ControlInputError extends Error {}

/** The JSON body of a control request; `{}` when empty. */
export function controlBody(request: SimRequest): unknown {
  if (request.body.length === 0) return {};
  try {
    return JSON.parse(request.body.toString('utf8')) as unknown;
  } catch {
    throw new ControlInputError('the body is not JSON');
  }
}

/** `value` checked against `schema`, or a ControlInputError naming the first problem and where. */
export function controlInput<S extends z.ZodMiniType>(schema: S, value: unknown, what = 'body'): z.output<S> {
  const parsed = z.safeParse(schema, value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const at = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new ControlInputError(`invalid ${what}${at}: ${issue?.message ?? 'does not match'}`);
}
