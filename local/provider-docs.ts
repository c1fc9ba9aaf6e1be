/**
 * The provider pages under docs/providers/, generated from the registry's descriptors and
 * factories plus the hand-written notes beside each provider (shared/providers/<p>/notes.md).
 * `npm run docs:providers` writes them; test/unit/provider-docs.test.ts regenerates them in
 * memory and fails when the files differ. Unknown descriptor fields are shown as they are, so
 * a descriptor that grows a field still renders.
 */
import { existsSync, readFileSync } from 'node:fs';
import { BUILTIN_PROVIDERS } from '../shared/providers/builtin';
import { capabilityNames } from '../shared/providers/capabilities';
import { parseDescriptor, type ProviderFactory } from '../shared/providers/spi';
import * as z from '../shared/zod';

const ROOT = new URL('../', import.meta.url);
const MATRIX = /(<!-- provider-matrix:start -->\n)[\s\S]*?(<!-- provider-matrix:end -->)/;

/** The files the generator owns: path relative to the repository -> content. */
export function providerDocs(read: (path: string) => string = readRepoFile): Map<string, string> {
  const files = new Map<string, string>();
  for (const factory of BUILTIN_PROVIDERS) files.set(`docs/providers/${factory.descriptor.name}.md`, providerPage(factory));
  for (const [path, link] of [
    ['README.md', 'docs/providers/'],
    ['docs/providers/README.md', ''],
  ] as const) {
    files.set(
      path,
      read(path).replace(MATRIX, (_, start: string, end: string) => `${start}${providerMatrix(link)}${end}`),
    );
  }
  return files;
}

function readRepoFile(path: string): string {
  return readFileSync(new URL(path, ROOT), 'utf8');
}

type Facts = Record<string, unknown>;

const KNOWN_FIELDS = new Set([
  'name',
  'displayName',
  'capabilities',
  'connection',
  'oauthEndpoints',
  'widgetEndpoints',
  'oauthParams',
  'apiBaseUrl',
  'aiUse',
  'defaultScopes',
  'requiredScopes',
  'webhooks',
  'webhookSettings',
  'derivedFromActivities',
  'retiredConnection',
  'rateLimitHeaders',
  'pagination',
  'settings',
]);

const CONNECTIONS: Record<string, string> = {
  oauth2: 'OAuth 2.0 authorization code',
  redirect: "the provider's own page, which sends the user back to the callback",
  none: 'always connected',
};

/** The descriptor with its defaults filled in, as the service reads it. */
function facts(factory: ProviderFactory): Facts {
  return parseDescriptor(factory.descriptor) as unknown as Facts;
}

/** The descriptor's `settings` schema as JSON Schema properties: key -> type, range, default, description. */
function ownSettings(d: Facts): [string, Facts][] {
  if (!d.settings) return [];
  const schema = z.toJSONSchema(d.settings as z.ZodMiniType, { io: 'output' }) as { properties?: Record<string, Facts> };
  return Object.entries(schema.properties ?? {});
}

function settingKind(setting: Facts): string {
  const fallback = setting.default === undefined ? '' : `, default ${typeof setting.default === 'string' ? code(setting.default) : String(setting.default)}`;
  if (setting.type === 'integer') return `whole number ${String(setting.minimum)}-${String(setting.maximum)}${fallback}`;
  if (setting.format === 'uri') return `http(s) URL${fallback}`;
  return `text${fallback}`;
}

function capabilities(d: Facts): string {
  try {
    return capabilityNames(d.capabilities as number).join(', ') || 'none';
  } catch {
    return code(d.capabilities);
  }
}

function code(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(code).join(', ');
  const text = (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))).replaceAll('|', '\\|');
  return `\`${text}\``;
}

function identityRow(identity: Facts | undefined): string {
  if (!identity) return '-';
  const shape = identity.idPattern ? `, matching ${code(identity.idPattern)}` : '';
  const optional = identity.optional ? '; a failed read leaves the connection without it' : '';
  return `\`GET\` ${code(identity.path)}, field ${code(identity.idField)}${shape}${optional}`;
}

/** Whether the MCP tools serve the provider by default, and its terms as far as known. */
function aiUse(d: Facts): string {
  const use = (d.aiUse ?? { allowed: true, terms: 'no restriction known' }) as Facts;
  return `${use.allowed ? 'served' : 'off by default'}: ${String(use.terms)}`;
}

function providerMatrix(link: string): string {
  const rows = BUILTIN_PROVIDERS.map((factory) => {
    const d = facts(factory);
    const webhooks = d.webhooks ? 'yes' : 'no';
    return `| [${d.displayName}](${link}${d.name}.md) | \`${d.name}\` | ${capabilities(d)} | ${code(d.connection)} | ${webhooks} | ${aiUse(d)} |`;
  });
  return ['| Provider | Name | Capabilities | Connection | Webhooks | AI assistants (MCP) |', '|---|---|---|---|---|---|', ...rows, ''].join('\n');
}

function providerPage(factory: ProviderFactory): string {
  const d = facts(factory);
  const name = String(d.name);
  const upper = name.toUpperCase();
  const endpoints = (d.oauthEndpoints ?? {}) as Facts;
  const params = (d.oauthParams ?? {}) as Facts;
  const rows: [string, string][] = [
    ['Name (`provider=`)', code(name)],
    ['Capabilities', capabilities(d)],
    ['Connection', `${code(d.connection)}: ${CONNECTIONS[String(d.connection)] ?? ''}`],
    ['API base URL', code(d.apiBaseUrl)],
  ];
  if (d.oauthEndpoints) {
    rows.push(['Authorization URL', code(endpoints.authUrl)], ['Token URL', code(endpoints.tokenUrl)], ['Revoke URL', code(endpoints.revokeUrl)]);
  }
  if (d.widgetEndpoints) {
    const widget = d.widgetEndpoints as Facts;
    rows.push(['Widget session URL', code(widget.sessionUrl)], ['Revoke URL', code(widget.revokeUrl)]);
  }
  if (d.connection === 'oauth2') {
    const pairs = (record: unknown) =>
      Object.entries((record ?? {}) as Facts)
        .map(([k, v]) => code(`${k}=${String(v)}`))
        .join(', ') || 'none';
    rows.push(
      ['Default scopes', code(d.defaultScopes ?? [])],
      ['Required scopes', code(d.requiredScopes ?? [])],
      ['Scope separator', code(params.scopeSeparator ?? ' ')],
      ['Scope sent when authorizing', params.authorizeScope === false ? 'no' : 'yes'],
      ['PKCE', params.pkce ? 'yes' : 'no'],
      ['Client credentials at the token endpoint', code(params.tokenEndpointAuth ?? 'body')],
      ['Extra authorization parameters', pairs(params.extraAuthorizeParams)],
      ['`redirect_uri` in the code exchange', params.exchangeRedirectUri === false ? 'no' : 'yes'],
      ['Extra refresh parameters', pairs(params.refreshParams)],
      ['User id in the token answer', code(params.tokenUserIdPath)],
      ['User id read after the exchange', identityRow(params.identity as Facts | undefined)],
      [
        'Scopes from the token answer',
        params.tokenScopes === false ? 'no (the requested ones, unless the client reads them from the provider after the exchange)' : 'yes',
      ],
      [
        'Revocation',
        `${code(params.revokeStyle)}${params.revokeStyle === 'form' ? ` (field ${code(params.revokeTokenField ?? 'token')}${params.revokeClientAuth ? ', with client credentials' : ''})` : ''}`,
      ],
    );
  }
  const pagination = d.pagination as Facts | undefined;
  if (pagination) rows.push(['Paging', code(pagination.kind)]);
  const headers = d.rateLimitHeaders as Facts | undefined;
  if (headers)
    rows.push(['Rate-limit headers', `\`X-RateLimit-Limit/-Remaining/-Reset\` over one ${code(headers.windowSecs)} s window (${code(headers.scope)})`]);
  rows.push(['Webhooks', d.webhooks ? `yes: \`/webhooks/${name}\` ([Webhooks](../webhooks.md))` : 'no']);
  const webhookSettings = d.webhookSettings as string[];
  if (webhookSettings.length > 0)
    rows.push(['Webhook settings a tenant sets for its own app', `${webhookSettings.map(code).join(', ')} ([Tenants](../tenants.md))`]);
  rows.push(['Derived from its activities', code(d.derivedFromActivities)]);
  rows.push(['AI assistants (MCP)', `${aiUse(d)} (\`PIERRE_${name.toUpperCase()}_AI_ACCESS\`, [AI access](../ai-access.md))`]);
  if (d.retiredConnection) rows.push(['Retired connections', 'recognised without loading the client (answered 409 `reauthorization_required`)']);
  for (const [key, value] of Object.entries(d)) if (!KNOWN_FIELDS.has(key)) rows.push([code(key), code(value)]);

  const connects = d.connection !== 'none';
  const variables = [
    ...(connects ? [`\`PIERRE_${upper}_CLIENT_ID\`, \`PIERRE_${upper}_CLIENT_SECRET\`: the client credentials`] : []),
    ...(connects ? [`\`PIERRE_${upper}_AUTH_URL\`, \`_TOKEN_URL\`, \`_REVOKE_URL\`, \`_API_BASE_URL\`: override an endpoint`] : []),
    ...(d.connection === 'oauth2' ? [`\`PIERRE_${upper}_SCOPES\`, \`PIERRE_${upper}_REDIRECT_URI\``] : []),
    `\`PIERRE_${upper}_TIMEOUT_SECS\`, \`_MAX_RETRIES\`, \`_BASE_DELAY_MS\`, \`_CIRCUIT_FAILURES\`, \`_CIRCUIT_OPEN_SECS\`, \`_MAX_PENDING_JOBS\`, \`_USER_SHARE\`: as for every provider`,
    ...ownSettings(d).map(([key, setting]) => `\`PIERRE_${upper}_${key}\`: ${String(setting.description)} (${settingKind(setting)})`),
    `\`PIERRE_${upper}_<OTHER>\`: any other setting of its own, named in the notes below`,
  ];

  const notesPath = new URL(`shared/providers/${name}/notes.md`, ROOT);
  const notes = existsSync(notesPath) ? readFileSync(notesPath, 'utf8').trim() : 'No notes yet.';
  return [
    `<!-- Generated by \`npm run docs:providers\` from the descriptor of shared/providers/${name}/ and its notes.md: edit those, not this file. -->`,
    `# ${d.displayName}`,
    '',
    '| Fact | Value |',
    '|---|---|',
    ...rows.map(([fact, value]) => `| ${fact} | ${value} |`),
    '',
    '## Configuration',
    '',
    `Every variable is described in [the configuration reference](../configuration.md).`,
    '',
    ...variables.map((v) => `- ${v}`),
    '',
    notes,
    '',
  ].join('\n');
}
