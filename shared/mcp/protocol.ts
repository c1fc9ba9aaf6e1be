/**
 * The two MCP protocol eras this endpoint serves, and how a message says which one it speaks.
 *
 * - 2025 era (2025-11-25 and the revisions before it): a client may send `initialize` first;
 *   the version travels in the `MCP-Protocol-Version` header afterwards. We keep no session,
 *   so any request is answered with or without a prior `initialize`.
 * - 2026-07-28: no handshake; every request carries its protocol version (and the client's
 *   capabilities) in `params._meta` under `io.modelcontextprotocol/*` keys, the same version
 *   in the `MCP-Protocol-Version` header; `server/discover` tells the versions we speak.
 *
 * Wire facts follow the official SDK v2 (`@modelcontextprotocol/server` 2.4); only its types are
 * imported, because its runtime (about 450 kB minified) would blow the cold-start budget
 * (docs/mcp.md). The constants are typed against the SDK's own, so a rename there fails tsc.
 */
import type { CLIENT_CAPABILITIES_META_KEY, PROTOCOL_VERSION_META_KEY, SERVER_INFO_META_KEY } from '@modelcontextprotocol/server';

const MODERN_VERSION = '2026-07-28';
/** 2025-era revisions, newest first: `initialize` agrees to the client's when listed, else the first. */
const LEGACY_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'] as const;
export const SUPPORTED_VERSIONS: readonly string[] = [MODERN_VERSION, ...LEGACY_VERSIONS];

const PROTOCOL_VERSION_KEY: typeof PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';
const CLIENT_CAPABILITIES_KEY: typeof CLIENT_CAPABILITIES_META_KEY = 'io.modelcontextprotocol/clientCapabilities';
export const SERVER_INFO_KEY: typeof SERVER_INFO_META_KEY = 'io.modelcontextprotocol/serverInfo';

/** JSON-RPC and MCP error codes this endpoint answers with. */
export const Code = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** The 2025-era transport's refusal of an unsupported MCP-Protocol-Version header. */
  BadRequest: -32000,
  /** 2026-07-28: headers and body disagree. */
  HeaderMismatch: -32020,
  /** 2026-07-28: a version the endpoint does not speak (`data`: supported, requested). */
  UnsupportedProtocolVersion: -32022,
} as const;

export type Era = 'legacy' | 'modern';

export interface ProtocolFault {
  code: number;
  message: string;
  data?: Record<string, unknown>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isModern = (version: string) => version >= MODERN_VERSION;

/** Whether a POSTed value is a JSON-RPC 2.0 message at all (request, notification or response). */
export function isJsonRpcMessage(value: unknown): boolean {
  if (!isObject(value) || value['jsonrpc'] !== '2.0') return false;
  const hasId = 'id' in value;
  const id = value['id'];
  if (hasId && typeof id !== 'string' && typeof id !== 'number') return false;
  if (typeof value['method'] === 'string') return value['params'] === undefined || isObject(value['params']);
  return hasId && ('result' in value || 'error' in value);
}

/**
 * A 2025-era `MCP-Protocol-Version` header we do not speak refuses the whole POST, as the
 * 2025 transports do. Undefined when the header is absent or fine.
 */
export function headerFault(header: string | undefined): ProtocolFault | undefined {
  if (header === undefined || SUPPORTED_VERSIONS.includes(header)) return undefined;
  if (isModern(header)) return undefined; // the message's envelope decides (unsupported-version error)
  return { code: Code.BadRequest, message: `Bad Request: Unsupported protocol version: ${header} (supported versions: ${SUPPORTED_VERSIONS.join(', ')})` };
}

/** Which era a request speaks, or why it cannot be answered (the envelope and the headers disagree, a version we do not speak). */
export function eraOf(params: unknown, headers: { version?: string; method?: string }, method: string): { era: Era } | { fault: ProtocolFault } {
  const meta = isObject(params) && isObject(params['_meta']) ? params['_meta'] : undefined;
  const claimed = meta?.[PROTOCOL_VERSION_KEY];
  if (claimed === undefined) {
    if (headers.version !== undefined && isModern(headers.version)) {
      const message = `Invalid params: the MCP-Protocol-Version header names protocol revision ${headers.version}, but the request carries no _meta envelope (${PROTOCOL_VERSION_KEY}, ${CLIENT_CAPABILITIES_KEY})`;
      return { fault: { code: Code.InvalidParams, message } };
    }
    return { era: 'legacy' };
  }
  if (typeof claimed !== 'string') return { fault: { code: Code.InvalidParams, message: `Invalid _meta envelope: ${PROTOCOL_VERSION_KEY} must be a string` } };
  if (headers.version !== undefined && headers.version !== claimed) {
    const message = `Bad Request: the request headers and body disagree: the body envelope names protocol version ${claimed} but the MCP-Protocol-Version header names ${headers.version}`;
    return { fault: { code: Code.HeaderMismatch, message, data: { mismatch: { header: headers.version, body: claimed } } } };
  }
  if (headers.method !== undefined && headers.method !== method) {
    const message = `Bad Request: the request headers and body disagree: the body names method ${method} but the Mcp-Method header names ${headers.method}`;
    return { fault: { code: Code.HeaderMismatch, message, data: { mismatch: { header: headers.method, body: method } } } };
  }
  if (!SUPPORTED_VERSIONS.includes(claimed)) {
    const message = `Unsupported protocol version ${claimed}; this server speaks ${SUPPORTED_VERSIONS.join(', ')}`;
    return { fault: { code: Code.UnsupportedProtocolVersion, message, data: { supported: [...SUPPORTED_VERSIONS], requested: claimed } } };
  }
  // An envelope naming a 2025 revision is a 2025-era request that happens to carry _meta.
  return { era: isModern(claimed) ? 'modern' : 'legacy' };
}

/** The version `initialize` agrees to: the client's when we speak it (2025 era), else our newest 2025 one. */
export function agreedLegacyVersion(requested: unknown): string {
  return typeof requested === 'string' && (LEGACY_VERSIONS as readonly string[]).includes(requested) ? requested : LEGACY_VERSIONS[0];
}
