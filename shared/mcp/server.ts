/**
 * The MCP server for one HTTP request. Stateless Streamable HTTP in JSON-response mode: every
 * POST is answered from what it carries, and nothing is left behind, so any Lambda container can
 * serve any request of any client (no session id is issued). Both protocol eras are served
 * (./protocol): 2025-11-25 and before (with or without `initialize`) and 2026-07-28 (the
 * version in each request's `_meta`, `server/discover`, cache hints on results).
 */
import type { CallToolResult, DiscoverResult, InitializeResult, Tool } from '@modelcontextprotocol/server';
import { aiAccessAllowed, checkAiAccess, servingAi } from '../app/ai-access';
import { invalidRequest } from '../app/errors';
import { isDeferrable, scheduleJob, type ScheduledAnswer } from '../app/jobs';
import { CacheRequest, currentCacheRequest, withCacheRequest } from '../cache/policy';
import { toErrorAnswer } from '../http/errors';
import { CacheQuerySchema, FallbackQuerySchema, parseInput } from '../http/query';
import { runOperation } from '../app/operations';
import { roundedJson } from '../models/precision';
import { inputJsonSchema, outputJsonSchema } from './json-schema';
import { boundedAnswers, errorMessage, screen, surelyFits } from './limits';
import { agreedLegacyVersion, Code, type Era, eraOf, headerFault, isJsonRpcMessage, type ProtocolFault, SERVER_INFO_KEY, SUPPORTED_VERSIONS } from './protocol';
import { providerChoices, TOOLS, type ToolContext, type ToolSpec } from './tools';

const SERVER_INFO = { name: 'pierre-providers', version: '0.1.0' };

const INSTRUCTIONS =
  'Fitness data (activities, stats, records, sleep, recovery, health metrics) from the providers list_providers names. ' +
  'Tools take an optional provider (the default one when omitted). When a tool answers not_connected, call connect_provider and ask the user to open the URL it returns.';

interface PublishedTool {
  spec: ToolSpec;
  inputSchema: ReturnType<typeof inputJsonSchema>;
  outputSchema: ReturnType<typeof outputJsonSchema>;
}

let published: Map<string, PublishedTool> | undefined;

function inputSchemaOf(spec: ToolSpec): PublishedTool['inputSchema'] {
  const schema = inputJsonSchema(spec.input);
  if (!spec.cached) return schema;
  const fallback = spec.operation ? inputJsonSchema(FallbackQuerySchema).properties : {};
  return { ...schema, properties: { ...schema.properties, ...inputJsonSchema(CacheQuerySchema).properties, ...fallback } };
}

/** JSON Schemas depend on code only, so they are built once per container. */
function publishedTools(): Map<string, PublishedTool> {
  published ??= new Map(TOOLS.map((spec) => [spec.name, { spec, inputSchema: inputSchemaOf(spec), outputSchema: outputJsonSchema(spec.output) }]));
  return published;
}

/** The tool list as of now: provider enums come from the registry at this moment, less the providers AI assistants may not be served. */
function listTools(ctx: ToolContext): Tool[] {
  const descriptors = ctx.container.registry.descriptors().filter((d) => aiAccessAllowed(ctx.container, d.name));
  const tools: Tool[] = [];
  for (const { spec, inputSchema, outputSchema } of publishedTools().values()) {
    const properties = { ...inputSchema.properties };
    if (spec.providers && properties['provider']) {
      const names = providerChoices(descriptors, spec.providers);
      if (names.length === 0) continue; // no registered provider can answer it
      const defaultProvider = ctx.container.config.defaultProvider;
      const optional = !(inputSchema['required'] as string[] | undefined)?.includes('provider');
      properties['provider'] = {
        ...properties['provider'],
        enum: names,
        ...(optional && names.includes(defaultProvider) && { default: defaultProvider }),
      };
    }
    tools.push({
      name: spec.name,
      title: spec.title,
      description: spec.description,
      inputSchema: { ...inputSchema, type: 'object', properties } as Tool['inputSchema'],
      outputSchema: outputSchema as Tool['outputSchema'],
      annotations: { title: spec.title, readOnlyHint: spec.readOnly, destructiveHint: spec.name === 'disconnect_provider', openWorldHint: true },
    });
  }
  return tools;
}

/**
 * Tool arguments in the form the REST route's query schema reads: scalars as strings, null
 * as absent. Names the schema does not know are refused, naming them.
 */
function asQuery(tool: PublishedTool, args: Record<string, unknown> | undefined): Record<string, unknown> {
  const known = Object.keys(tool.inputSchema.properties ?? {});
  const query: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args ?? {})) {
    if (!known.includes(name)) throw invalidRequest(name, `unknown argument; ${tool.spec.name} takes ${known.join(', ') || 'no arguments'}`);
    if (value === null || value === undefined) continue;
    query[name] = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  }
  return query;
}

/** A limited read that was queued as a job, as REST answers 202: the tool reports it with the job's id. */
class QueuedRead extends Error {
  constructor(
    readonly reason: unknown,
    readonly job: ScheduledAnswer,
  ) {
    super('queued');
  }
}

/** A failure as the REST route reports it, `{error: {code, message}}`, plus when to retry (and the job, if queued). */
function errorResult(error: unknown): CallToolResult {
  const answer = toErrorAnswer(error instanceof QueuedRead ? error.reason : error);
  const retryAfter = error instanceof QueuedRead ? String(error.job.retry_after) : answer.headers['retry-after'];
  const body = {
    error: {
      code: answer.code,
      message:
        error instanceof QueuedRead ? `${answer.message}; the read is queued as job ${error.job.job_id} (GET /jobs/${error.job.job_id})` : answer.message,
      ...(retryAfter !== undefined && { retry_after_seconds: Number(retryAfter) }),
      ...(error instanceof QueuedRead && { job_id: error.job.job_id }),
    },
  };
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(body) }] };
}

/**
 * Runs the tool under its own cache context: the `cache` argument, else the POST's policy
 * (`?cache=`, `Cache-Control`). What the cache did is told in `_meta`, as REST tells it in X-Cache (and X-Source).
 */
async function runCached(tool: PublishedTool, query: Record<string, unknown>, ctx: ToolContext) {
  const { cache, fallback, ...rest } = query;
  const policy = parseInput(CacheQuerySchema, { cache }).cache ?? currentCacheRequest()?.policy ?? 'use';
  const request = new CacheRequest(policy);
  const answer = await withCacheRequest(request, () => runTool(tool, fallback === undefined ? rest : { ...rest, fallback }, ctx));
  const headers = request.headers();
  const told = {
    ...(headers['x-cache'] && { 'pierre/cache': headers['x-cache'] }),
    ...(headers['age'] && { 'pierre/age_seconds': Number(headers['age']) }),
    ...(headers['x-source'] && { 'pierre/source': headers['x-source'] }),
  };
  const meta = Object.keys(told).length > 0 ? told : undefined;
  return { answer, meta, ttlMs: freshForMs(tool, request, ctx) };
}

/**
 * How long the answer stays what the cache would answer: the resource's TTL, less the age of a
 * cached answer; 0 for a stale one, or when nothing was cached (a bypass).
 */
function freshForMs(tool: PublishedTool, request: CacheRequest, ctx: ToolContext): number {
  const resource = tool.spec.cacheResource;
  const outcome = request.headers()['x-cache'];
  if (!resource || !outcome || outcome === 'STALE' || outcome === 'BYPASS') return 0;
  const ttlSecs = ctx.container.cacheSettings.ttlSecs[resource];
  return Math.max(0, ttlSecs - Number(request.headers()['age'] ?? 0)) * 1000;
}

/** A data tool runs the operation its REST route would (fallback included); a limited read is queued as a job. */
async function runTool(tool: PublishedTool, query: Record<string, unknown>, ctx: ToolContext): Promise<object> {
  const { spec } = tool;
  if (!spec.operation) return spec.run(parseInput(spec.input, query), ctx);
  const { fallback, ...rest } = query;
  const asked = parseInput(FallbackQuerySchema, { fallback }).fallback === 'true';
  const op = { ...spec.operation(parseInput(spec.input, rest)), ...(asked && { fallback: true }) };
  const answer = await runOperation(ctx.container, ctx.identity, op).catch(async (error: unknown) => {
    if (!isDeferrable(error)) throw error;
    throw new QueuedRead(error, await scheduleJob(ctx.container, ctx.identity, op, error.retryAfterSecs ?? 60));
  });
  return answer as object;
}

/** A tool's result, and for how long it may be reused (2026-07-28 `ttlMs`). */
interface ToolAnswer {
  result: CallToolResult;
  ttlMs: number;
}

async function callTool(name: string, args: unknown, ctx: ToolContext): Promise<ToolAnswer> {
  const tool = publishedTools().get(name);
  if (!tool) throw new Fault({ code: Code.InvalidParams, message: `Unknown tool: ${name}. Tools: ${[...publishedTools().keys()].join(', ')}` });
  try {
    const query = asQuery(tool, args as Record<string, unknown> | undefined);
    const { answer, meta, ttlMs } = await servingAi(async () => {
      // Every tool naming a provider (connect and disconnect too); the data reads also check the default provider.
      if (typeof query['provider'] === 'string') checkAiAccess(ctx.container, query['provider']);
      return tool.spec.cached ? await runCached(tool, query, ctx) : { answer: await runTool(tool, query, ctx), meta: undefined, ttlMs: 0 };
    });
    // Exactly the JSON the REST route sends (dates as strings, undefined fields dropped, numbers
    // rounded to their unit), and the text rendered from it.
    const structuredContent = JSON.parse(roundedJson(answer)) as Record<string, unknown>;
    return { result: { structuredContent, content: [{ type: 'text', text: tool.spec.text(structuredContent) }], ...(meta && { _meta: meta }) }, ttlMs };
  } catch (error) {
    return { result: errorResult(error), ttlMs: 0 };
  }
}

/** A protocol fault answered as a JSON-RPC error (unknown tool, unknown method). */
class Fault extends Error {
  constructor(readonly fault: ProtocolFault) {
    super(fault.message);
  }
}

const CAPABILITIES = { tools: { listChanged: false } };

/**
 * A result as the request's era expects it. 2026-07-28 results say they are complete, name the
 * server in `_meta`, and carry cache hints: user data is `private`, for as long as the cache
 * keeps it (`ttlMs`); the tool list may change whenever a provider is registered, so 0.
 */
function shaped(era: Era, result: Record<string, unknown>, ttlMs: number | undefined): Record<string, unknown> {
  if (era === 'legacy') return result;
  const meta = { ...(result['_meta'] as Record<string, unknown> | undefined), [SERVER_INFO_KEY]: SERVER_INFO };
  return { ...result, resultType: 'complete', ...(ttlMs !== undefined && { ttlMs, cacheScope: 'private' }), _meta: meta };
}

async function answerRequest(method: string, params: Record<string, unknown>, era: Era, ctx: ToolContext): Promise<Record<string, unknown>> {
  switch (method) {
    case 'initialize': {
      if (era === 'modern') break; // 2026-07-28 has no handshake
      const result: InitializeResult = {
        protocolVersion: agreedLegacyVersion(params['protocolVersion']),
        capabilities: CAPABILITIES,
        serverInfo: SERVER_INFO,
        instructions: INSTRUCTIONS,
      };
      return { ...result };
    }
    case 'server/discover': {
      const result: DiscoverResult = { supportedVersions: [...SUPPORTED_VERSIONS], capabilities: CAPABILITIES, instructions: INSTRUCTIONS };
      return shaped(era, { ...result }, 0);
    }
    case 'ping':
      return shaped(era, {}, undefined);
    case 'tools/list':
      return shaped(era, { tools: listTools(ctx) }, 0);
    case 'tools/call': {
      const { result, ttlMs } = await callTool(String(params['name']), params['arguments'], ctx);
      return shaped(era, { ...result }, ttlMs);
    }
  }
  throw new Fault({ code: Code.MethodNotFound, message: `Method not found: ${method}` });
}

type Id = string | number;
interface Headers {
  version?: string;
  method?: string;
}

/**
 * The answer to one admitted message: a response for a request, nothing for a notification or a
 * response. `eraFault`: the message could not be placed in an era (headers and envelope
 * disagree, a version we do not speak); a single such message is refused with HTTP 400.
 */
async function answerMessage(message: Record<string, unknown>, headers: Headers, ctx: ToolContext): Promise<{ answer: unknown; eraFault?: true } | undefined> {
  const id = message['id'] as Id | undefined;
  const method = message['method'];
  if (id === undefined || typeof method !== 'string') return undefined;
  const params = (message['params'] as Record<string, unknown> | undefined) ?? {};
  const era = eraOf(params, headers, method);
  if ('fault' in era) return { answer: { jsonrpc: '2.0', id, error: era.fault }, eraFault: true };
  if (method === 'tools/call' && typeof params['name'] !== 'string') {
    return { answer: errorMessage(id, Code.InvalidParams, 'Invalid params: tools/call needs the name of the tool (params.name)') };
  }
  try {
    return { answer: { jsonrpc: '2.0', id, result: await answerRequest(method, params, era.era, ctx) } };
  } catch (error) {
    if (error instanceof Fault) return { answer: { jsonrpc: '2.0', id, error: error.fault } };
    throw error;
  }
}

/** JSON-RPC answers outside any request (status 400, id null). */
function protocolError(code: number, message: string, status = 400): Response {
  return Response.json(errorMessage(null, code, message), { status });
}

/**
 * Answers one Streamable HTTP request (a JSON-RPC message or batch) for the caller in `ctx`,
 * within the limits of ./limits: refused messages get their error, the rest are answered, and
 * the whole answer stays under MAX_ANSWER_BYTES.
 */
export async function handleMcpRequest(request: Request, ctx: ToolContext): Promise<Response> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(contentType.trim())) {
    return protocolError(Code.BadRequest, 'Unsupported Media Type: Content-Type must be application/json', 415);
  }
  let body: unknown;
  try {
    body = JSON.parse(await request.text());
  } catch {
    return protocolError(Code.ParseError, 'Parse error: Invalid JSON');
  }
  const headers: Headers = {
    version: request.headers.get('mcp-protocol-version')?.trim() || undefined,
    method: request.headers.get('mcp-method')?.trim() || undefined,
  };
  const refused = headerFault(headers.version);
  if (refused) return protocolError(refused.code, refused.message);
  const screened = screen(body);
  if (!screened) return protocolError(Code.InvalidRequest, 'Invalid Request: an empty batch; send at least one message');
  if (!screened.admitted.every(isJsonRpcMessage)) {
    return protocolError(Code.InvalidRequest, 'Invalid Request: every message must be a JSON-RPC 2.0 request, notification or response');
  }
  const answered = await Promise.all(screened.admitted.map((message) => answerMessage(message as Record<string, unknown>, headers, ctx)));
  const answers = new Map<Id, unknown>();
  for (const a of answered) if (a) answers.set((a.answer as { id: Id }).id, a.answer);
  const [single] = answered;
  if (!screened.batch && single?.eraFault) return Response.json(single.answer, { status: 400 });
  const text = answers.size === 0 ? '' : JSON.stringify(screened.batch ? [...answers.values()] : single!.answer);
  if (!screened.slots.some((slot) => slot.refusal) && surelyFits(text)) {
    if (!text) return new Response(null, { status: 202 });
    return new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });
  }
  const bounded = boundedAnswers(screened.slots, answers);
  if (bounded.length === 0) return new Response(null, { status: 202 });
  return Response.json(screened.batch ? bounded : bounded[0], { status: 200 });
}
