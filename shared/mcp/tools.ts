/**
 * The MCP tools. Each one is a REST route seen from an assistant: the route's zod input schema,
 * the route's use case, the answer's schema. Provider choices come from the registry when a
 * client lists the tools, so a newly registered provider needs no change here.
 */
import * as z from '../zod';
import * as answers from '../app/answers';
import { startConnection } from '../app/connect';
import { connectionStatus, disconnect } from '../app/connections';
import type { Container } from '../app/container';
import { ALL_PROVIDERS } from '../app/data';
import type { Identity } from '../app/identity';
import { listProviders } from '../app/list-providers';
import type { Operation } from '../app/operations';
import { ConnectQuerySchema, ProviderPathSchema } from '../http/query';
import { hasCapability, type CapabilityFlag } from '../providers/capabilities';
import type { ProviderDescriptor } from '../providers/spi';
import type { CacheResource } from '../cache/keys';
import { RESOURCES, type ResourceRow } from '../resources';
import { historyText } from './text';

export interface ToolContext {
  container: Container;
  identity: Identity;
  /** Origin the request reached us on (for OAuth callback URLs when none is configured). */
  origin: string;
}

/** Which providers a tool's `provider` argument offers. */
export interface ProviderChoice {
  /** Only providers with this capability. */
  capability?: CapabilityFlag;
  /** Only providers the user connects to (OAuth), not the ones that need no connection. */
  connectable?: boolean;
  /** Also offer `all` (every connected provider merged). */
  all?: boolean;
}

interface CommonSpec {
  name: string;
  title: string;
  description: string;
  /** The REST route's zod schema; MCP arguments are checked by it exactly as query strings are. */
  input: z.ZodMiniType;
  output: z.ZodMiniType;
  providers?: ProviderChoice;
  readOnly: boolean;
  /** Reads provider data through the cache, so it takes the `cache` policy argument. */
  cached: boolean;
  /** The cache resource its answer is kept under (its TTL is the answer's cache hint). */
  cacheResource?: CacheResource;
  // The typed helpers below tie each run to its text; the list holds them erased to `unknown`
  // (method syntax: TypeScript accepts a method with a narrower parameter in its place).
  text(answer: unknown): string;
}

/**
 * A tool either runs a use case of its own, or (the data tools) is a read of the resource
 * table: its arguments become the operation REST would run, and it runs through runOperation
 * (fallback included), queued as a job when the provider is limited.
 */
export type ToolSpec = CommonSpec &
  ({ run(args: unknown, ctx: ToolContext): Promise<object>; operation?: undefined } | { operation(args: unknown): Operation; run?: undefined });

const tool = <S extends z.ZodMiniType, A extends object>(spec: {
  name: string;
  title: string;
  description: string;
  input: S;
  output: z.ZodMiniType;
  providers?: ProviderChoice;
  readOnly?: boolean;
  run(args: z.output<S>, ctx: ToolContext): Promise<A>;
  text(answer: A): string;
}): ToolSpec => ({ readOnly: true, cached: false, ...spec });

const NO_ARGUMENTS = z.object({});
/** A row of the resource table as a tool: the route's input, the read's answer, the same operation. */
function dataTool(resource: ResourceRow): ToolSpec {
  return {
    name: resource.tool.name,
    title: resource.tool.title,
    description: resource.tool.description,
    input: resource.input.schema,
    output: resource.answer,
    providers: { ...(resource.capability && { capability: resource.capability.flag }), ...(resource.all && { all: true }) },
    readOnly: true,
    cached: true,
    cacheResource: resource.cache.resource,
    operation: (args) => ({ name: resource.name, ...resource.toArguments(args) }),
    text: (answer) => resource.tool.text(answer),
  };
}

export const TOOLS: readonly ToolSpec[] = [
  tool({
    name: 'list_providers',
    title: 'List fitness providers',
    description:
      'Lists every fitness data provider this service supports, with its capabilities, whether it needs OAuth, whether it is configured, and whether you are connected to it. Also names the default provider used when a tool gets no provider.',
    input: NO_ARGUMENTS,
    output: answers.ProvidersAnswerSchema,
    run: (_args, { container, identity }) => listProviders(container, identity),
    text: (a) =>
      [
        `Default provider: ${a.default_provider}`,
        ...a.providers.map(
          (p) =>
            `${p.name} (${p.display_name}): ${p.capabilities.join(', ') || 'no data'}; ${p.connected ? 'connected' : p.configured ? 'not connected' : 'not configured'}`,
        ),
      ].join('\n'),
  }),
  tool({
    name: 'get_connection_status',
    title: 'Connection status',
    description:
      'Tells for every provider whether you are connected, with the granted scopes, when the connection was made, when its access token expires (tokens are refreshed automatically), and how far reading its past data (history) has come.',
    input: NO_ARGUMENTS,
    output: answers.ConnectionsAnswerSchema,
    run: (_args, { container, identity }) => connectionStatus(container, identity),
    text: (a) =>
      Object.entries((a as z.output<typeof answers.ConnectionsAnswerSchema>).providers)
        .map(
          ([name, c]) => `${name}: ${c.status}${c.scopes?.length ? ` (scopes ${c.scopes.join(', ')})` : ''}${c.history ? `; ${historyText(c.history)}` : ''}`,
        )
        .join('\n'),
  }),
  tool({
    name: 'connect_provider',
    title: 'Connect a provider',
    description:
      "Starts connecting a provider: returns the provider's authorization URL for the user to open in a browser and approve (valid for expires_in seconds). Providers that need no authorization are connected at once.",
    input: z.extend(ProviderPathSchema, ConnectQuerySchema.shape),
    output: answers.ConnectAnswerSchema,
    providers: {},
    readOnly: false,
    run: (args, { container, identity, origin }) =>
      startConnection(container, identity, { provider: args.provider, returnTo: args.return_to, requestOrigin: origin }),
    text: (a) =>
      a.authorization_url
        ? `Open this URL to connect ${a.provider} (valid for ${a.expires_in} seconds): ${a.authorization_url}`
        : `${a.provider} is connected; it needs no authorization.`,
  }),
  tool({
    name: 'disconnect_provider',
    title: 'Disconnect a provider',
    description: 'Disconnects a provider: revokes the access at the provider where it can and deletes the stored tokens and cached data.',
    input: ProviderPathSchema,
    output: answers.DisconnectAnswerSchema,
    providers: { connectable: true },
    readOnly: false,
    run: (args, { container, identity }) => disconnect(container, identity, args.provider),
    text: (a) => `${a.provider} is disconnected.`,
  }),
  ...RESOURCES.map(dataTool),
];

/** The names a tool's `provider` argument offers right now. */
export function providerChoices(descriptors: readonly ProviderDescriptor[], choice: ProviderChoice): string[] {
  const names = descriptors
    .filter((d) => choice.capability === undefined || hasCapability(d.capabilities, choice.capability))
    .filter((d) => !choice.connectable || d.connection !== 'none')
    .map((d) => d.name);
  return choice.all && names.length > 0 ? [...names, ALL_PROVIDERS] : names;
}
