/**
 * The MCP server for one HTTP request. Stateless Streamable HTTP in JSON-response mode: every
 * POST builds a fresh SDK server and transport, answers, and leaves nothing behind, so any
 * Lambda container can serve any request of any client (no session id is issued).
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { invalidRequest } from '../app/errors';
import { isDeferrable, scheduleJob, type ScheduledAnswer } from '../app/jobs';
import { CacheRequest, currentCacheRequest, withCacheRequest } from '../cache/policy';
import { toErrorAnswer } from '../http/errors';
import { CacheQuerySchema, FallbackQuerySchema, parseInput } from '../http/query';
import { runOperation } from '../app/operations';
import { inputJsonSchema, outputJsonSchema } from './json-schema';
import { boundedAnswers, errorMessage, screen, surelyFits } from './limits';
import { providerChoices, TOOLS, type ToolContext, type ToolSpec } from './tools';
import { NO_ELICITATION_VALIDATOR } from './validator';

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

/** The tool list as of now: provider enums come from the registry at this moment. */
function listTools(ctx: ToolContext): Tool[] {
  const descriptors = ctx.container.registry.descriptors();
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
      inputSchema: { ...inputSchema, type: 'object', properties },
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
  return { answer, meta };
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

async function callTool(name: string, args: Record<string, unknown> | undefined, ctx: ToolContext): Promise<CallToolResult> {
  const tool = publishedTools().get(name);
  if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}. Tools: ${[...publishedTools().keys()].join(', ')}`);
  try {
    const query = asQuery(tool, args);
    const { answer, meta } = tool.spec.cached ? await runCached(tool, query, ctx) : { answer: await runTool(tool, query, ctx), meta: undefined };
    // Exactly the JSON the REST route sends (dates as strings, undefined fields dropped).
    const structuredContent = JSON.parse(JSON.stringify(answer)) as Record<string, unknown>;
    return { structuredContent, content: [{ type: 'text', text: tool.spec.text(answer) }], ...(meta && { _meta: meta }) };
  } catch (error) {
    return errorResult(error);
  }
}

/** JSON-RPC answers outside any request, as the SDK transport sends its own (status 400, id null). */
function protocolError(code: number, message: string): Response {
  return Response.json(errorMessage(null, code, message), { status: 400 });
}

/** The SDK's answer as JSON-RPC messages by request id (none for a 202 or an empty body). */
function answersById(text: string): Map<string | number, unknown> {
  const parsed: unknown = text ? JSON.parse(text) : [];
  const messages = Array.isArray(parsed) ? parsed : [parsed];
  return new Map(messages.map((m: { id: string | number }) => [m.id, m]));
}

async function runSdk(request: Request, admitted: unknown[], ctx: ToolContext): Promise<Response> {
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: { listChanged: false } },
    instructions: INSTRUCTIONS,
    jsonSchemaValidator: NO_ELICITATION_VALIDATOR,
  });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listTools(ctx) }));
  server.setRequestHandler(CallToolRequestSchema, (req) => callTool(req.params.name, req.params.arguments, ctx));
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    return await transport.handleRequest(request, { parsedBody: admitted });
  } finally {
    await server.close();
  }
}

/**
 * Answers one Streamable HTTP request (a JSON-RPC message or batch) for the caller in `ctx`,
 * within the limits of ./limits: refused messages get their error, the rest go to the SDK, and
 * the whole answer stays under MAX_ANSWER_BYTES.
 */
export async function handleMcpRequest(request: Request, ctx: ToolContext): Promise<Response> {
  let body: unknown;
  try {
    body = JSON.parse(await request.text());
  } catch {
    return protocolError(ErrorCode.ParseError, 'Parse error: Invalid JSON');
  }
  const screened = screen(body);
  if (!screened) return protocolError(ErrorCode.InvalidRequest, 'Invalid Request: an empty batch; send at least one message');
  const response = await runSdk(request, screened.admitted, ctx);
  // The SDK's own refusals (headers, protocol version, malformed messages) stand as they are.
  if (response.status !== 200 && response.status !== 202) return response;
  const text = await response.text();
  if (!screened.slots.some((slot) => slot.refusal) && surelyFits(text)) {
    // The common case, as the SDK answered; it answers a batch of one request as one object.
    if (!text) return new Response(null, { status: 202 });
    const body = screened.batch && !text.startsWith('[') ? `[${text}]` : text;
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  }
  const answers = boundedAnswers(screened.slots, answersById(text));
  if (answers.length === 0) return new Response(null, { status: 202 });
  return Response.json(screened.batch ? answers : answers[0], { status: 200 });
}
