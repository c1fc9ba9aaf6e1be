/** JSON Schema for MCP tools, generated from the zod schemas the REST routes and answers use. */
import * as z from '../zod';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> };

/**
 * A tool's `inputSchema`: the REST query schema as the caller writes it. Query integers are
 * digits on the wire but integers to a tool caller (their pattern only applies to strings, so
 * it goes); unknown arguments are refused.
 */
export function inputJsonSchema(schema: z.ZodMiniType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    override: ({ jsonSchema }) => {
      if (jsonSchema.type === 'integer') delete jsonSchema.pattern;
    },
  }) as JsonSchema;
  delete json.$schema;
  return { ...json, type: 'object', properties: json.properties ?? {}, additionalProperties: false };
}

/**
 * A tool's `outputSchema`: the answer's JSON. Objects stay open, so a field another release
 * adds to the model never makes a client reject an answer it could read.
 */
export function outputJsonSchema(schema: z.ZodMiniType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io: 'output',
    override: ({ jsonSchema }) => {
      if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
    },
  }) as JsonSchema;
  delete json.$schema;
  return json;
}
