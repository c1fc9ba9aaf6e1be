/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the route table and each route's
 * zod contract (shared/http/contracts.ts) with zod's own JSON Schema conversion. Nothing in it
 * is written by hand but the prose.
 */
import * as z from '../zod';
import * as answers from '../app/answers';
import * as models from '../models';
import { ROUTES, type RouteKey } from '../../functions/routes';
import { CacheQuerySchema, FallbackQuerySchema } from './query';
import { CONTRACTS, ERROR_CODES, JsonRpcRequestSchema, JsonRpcResponseSchema, type Answer, type ErrorCode, type RouteContract } from './contracts';

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;

const COMPONENT_PREFIX = '#/components/schemas/';

/** Schemas published once under components (answers, the unified model) and referenced by name. */
function componentRegistry() {
  const registry = z.registry<{ id: string }>();
  // Object.entries on the namespace itself: knip then sees every export of the module as used.
  const add = (schemas: [string, unknown][], keep: (name: string) => boolean) => {
    for (const [name, schema] of schemas) {
      if (name.endsWith('Schema') && schema instanceof z.ZodMiniType && keep(name)) registry.add(schema, { id: name.slice(0, -'Schema'.length) });
    }
  };
  add(Object.entries(answers), () => true);
  // The unified model; provider-failure internals never leave the service.
  add(Object.entries(models), (name) => !/Error|RateLimitScope/.test(name));
  add(Object.entries({ JsonRpcRequestSchema, JsonRpcResponseSchema }), () => true);
  return registry;
}

/** The document names the dialect once; components are named by their key, not an `$id`. */
function stripDialect(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}

/** A standalone conversion names registered schemas in its own `$defs`: point them at components instead. */
function toComponentRefs(schema: JsonSchema): JsonSchema {
  const { $defs: _local, ...rest } = schema;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        key === '$ref' && typeof inner === 'string' ? inner.replace(/^#\/\$defs\//, COMPONENT_PREFIX) : rewrite(inner),
      ]),
    );
  };
  return rewrite(rest) as JsonSchema;
}

/** Query digits are integers to a reader: their string pattern goes (as for the MCP tools). */
function dropIntegerPatterns({ jsonSchema }: { jsonSchema: JsonSchema }): void {
  if (jsonSchema['type'] === 'integer') delete jsonSchema['pattern'];
}

interface Converter {
  output(schema: z.ZodMiniType): JsonSchema;
  input(schema: z.ZodMiniType): JsonSchema;
  components: Record<string, JsonSchema>;
}

function converter(): Converter {
  const registry = componentRegistry();
  const uri = (id: string) => `${COMPONENT_PREFIX}${id}`;
  const { schemas } = z.toJSONSchema(registry, { io: 'output', uri, override: dropIntegerPatterns }) as { schemas: Record<string, JsonSchema> };
  const components = Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, stripDialect(schema)]));
  const refOf = (schema: z.ZodMiniType) => registry.get(schema)?.id;
  return {
    components,
    output: (schema) => {
      const id = refOf(schema);
      if (id) return { $ref: uri(id) };
      return toComponentRefs(stripDialect(z.toJSONSchema(schema, { io: 'output', metadata: registry, override: dropIntegerPatterns }) as JsonSchema));
    },
    input: (schema) => stripDialect(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', override: dropIntegerPatterns }) as JsonSchema),
  };
}

function parameters(convert: Converter, schema: z.ZodMiniType | undefined, where: 'path' | 'query'): Operation[] {
  if (!schema) return [];
  const json = convert.input(schema) as { properties?: Record<string, JsonSchema>; required?: string[]; additionalProperties?: unknown };
  const required = new Set(json.required ?? []);
  const listed = Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description !== undefined && { description }),
      schema: rest,
    };
  });
  // A free-form query (the OAuth callback): one object parameter, exploded.
  if (listed.length === 0 && json.additionalProperties) {
    return [{ name: 'params', in: where, style: 'form', explode: true, description: (json as JsonSchema)['description'], schema: json }];
  }
  return listed;
}

function cacheParameters(convert: Converter): Operation[] {
  return [
    ...parameters(convert, CacheQuerySchema, 'query'),
    ...parameters(convert, FallbackQuerySchema, 'query'),
    {
      name: 'cache-control',
      in: 'header',
      required: false,
      description: 'no-cache: as cache=refresh; no-store: as cache=bypass (cache= wins)',
      schema: { type: 'string' },
    },
  ];
}

const CACHE_HEADERS = {
  'x-cache': { description: 'HIT, MISS, STALE, REFRESH or BYPASS', schema: { type: 'string', enum: ['HIT', 'MISS', 'STALE', 'REFRESH', 'BYPASS'] } },
  age: { description: 'Seconds since the cached answer was fetched (hits)', schema: { type: 'integer', minimum: 0 } },
  'x-source': { description: 'store: the records store answered (docs/records.md); absent otherwise', schema: { type: 'string', enum: ['store'] } },
};

function answer(convert: Converter, spec: Answer, cached: boolean): Operation {
  const headers = {
    ...Object.fromEntries(Object.entries(spec.headers ?? {}).map(([name, h]) => [name, { description: h.description, schema: convert.output(h.schema) }])),
    ...(cached && CACHE_HEADERS),
  };
  return {
    description: spec.description,
    ...(Object.keys(headers).length > 0 && { headers }),
    ...(spec.schema && { content: { [spec.contentType ?? 'application/json']: { schema: convert.output(spec.schema) } } }),
  };
}

/** One response per error status, its `code` limited to the codes this route can answer with it. */
function errorAnswers(codes: readonly ErrorCode[]): Record<string, Operation> {
  const byStatus = new Map<number, Set<ErrorCode>>();
  for (const code of new Set(codes)) {
    for (const status of ERROR_CODES[code].statuses) byStatus.set(status, (byStatus.get(status) ?? new Set()).add(code));
  }
  const out: Record<string, Operation> = {};
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    const list = [...byStatus.get(status)!];
    const retry = list.some((c) => c === 'rate_limited' || c === 'service_unavailable');
    out[String(status)] = {
      description: list.map((c) => `\`${c}\`: ${ERROR_CODES[c].when}`).join('; '),
      ...(retry && { headers: { 'retry-after': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } } }),
      content: {
        'application/json': {
          schema: {
            allOf: [
              { $ref: `${COMPONENT_PREFIX}ErrorAnswer` },
              { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string', enum: list } } } } },
            ],
          },
        },
      },
    };
  }
  return out;
}

function operation(convert: Converter, key: RouteKey, auth: boolean, contract: RouteContract): Operation {
  const cached = contract.cached === true;
  const responses: Record<string, Operation> = {};
  for (const [status, spec] of Object.entries(contract.answers)) if (spec) responses[status] = answer(convert, spec, cached);
  Object.assign(responses, errorAnswers(contract.errors));
  return {
    operationId: key
      .toLowerCase()
      .replace(/[{}]/g, '')
      .replace(/[^a-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
    summary: contract.summary,
    ...(contract.description && { description: contract.description }),
    tags: [contract.tag],
    security: auth ? [{ bearerAuth: [] }] : [],
    parameters: [...parameters(convert, contract.path, 'path'), ...parameters(convert, contract.query, 'query'), ...(cached ? cacheParameters(convert) : [])],
    ...(contract.body && {
      requestBody: {
        required: true,
        description: contract.body.description,
        content: { 'application/json': { schema: convert.output(contract.body.schema) } },
      },
    }),
    responses,
  };
}

function buildOpenApiDocument(serverUrl?: string): Record<string, unknown> {
  const convert = converter();
  const paths: Record<string, Record<string, Operation>> = {};
  for (const route of ROUTES) {
    const key = `${route.method} ${route.path}` as RouteKey;
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(convert, key, route.auth, CONTRACTS[key]);
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Pierre Providers',
      version: '0.1.0',
      description: 'Connect your users\' fitness accounts and read their data through one unified model. Errors are always `{"error":{"code","message"}}`.',
    },
    ...(serverUrl && { servers: [{ url: serverUrl }] }),
    tags: [...new Set(Object.values(CONTRACTS).map((c) => c.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "Your identity provider's JWT (locally: GET /dev/token)" },
      },
      schemas: convert.components,
    },
  };
}

const documents = new Map<string, Record<string, unknown>>();

/** The document for one server URL, built once per container. */
export function openApiDocument(serverUrl: string): Record<string, unknown> {
  let document = documents.get(serverUrl);
  if (!document) {
    document = buildOpenApiDocument(serverUrl);
    documents.set(serverUrl, document);
  }
  return document;
}
