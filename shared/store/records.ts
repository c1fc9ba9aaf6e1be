/**
 * Typed views of the coordination records kept in a StateStore (gates, circuits, leases,
 * health, jobs, webhook markers). Each kind declares its fields once, as a zod schema per
 * field, and reads and writes its items through the codec made from it: nobody reads a field
 * by its name from an untyped StateItem.
 *
 * Reading is lenient field by field, as stored records are written by several versions of the
 * code: a field that is absent or of another type reads as absent, and the rest of the record
 * still reads.
 */
import type * as z from '../zod';
import type { StateItem, StateValue } from './ports';

type FieldSchemas = Record<string, z.ZodMiniType<StateValue>>;

/** A record as read: every field optional (absent or unreadable). */
export type RecordOf<F extends FieldSchemas> = { [K in keyof F]?: z.infer<F[K]> | undefined };
/** Fields to write: `null` removes one (see StateStore.update). */
export type RecordWrite<F extends FieldSchemas> = { [K in keyof F]?: z.infer<F[K]> | null };

export interface RecordCodec<F extends FieldSchemas> {
  readonly fields: F;
  /** The record's fields; an absent item reads as an empty record. */
  decode(item: StateItem | undefined): RecordOf<F>;
  /** The fields as stored (typed on the way in). */
  encode(fields: RecordWrite<F>): StateItem;
  /** A field's name, checked against the declaration (for write conditions and atomic adds). */
  field<K extends keyof F & string>(name: K): K;
}

export function recordCodec<F extends FieldSchemas>(fields: F): RecordCodec<F> {
  return {
    fields,
    decode(item) {
      const record: Record<string, unknown> = {};
      for (const [name, schema] of Object.entries(fields)) {
        if (item?.[name] === undefined) continue;
        const parsed = schema.safeParse(item[name]);
        if (parsed.success) record[name] = parsed.data;
      }
      return record as RecordOf<F>;
    },
    encode(write) {
      const item: StateItem = {};
      for (const [name, value] of Object.entries(write)) if (value !== undefined) item[name] = value as StateValue;
      return item;
    },
    field: (name) => name,
  };
}

/** A JSON document kept in one string field (read leniently: unreadable JSON is absent). */
export function jsonIn<T>(text: string | undefined, schema: z.ZodMiniType<T>): T | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
