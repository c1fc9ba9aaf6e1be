/**
 * Stands in for `ajv` and `ajv-formats` in the mcp bundle (infra/bundling.ts): the MCP server
 * passes its own validator (shared/mcp/validator.ts), so the SDK never builds an Ajv. If a
 * change made it build one, the function fails loudly instead of validating nothing.
 */
export default function ajvLeftOut(): never {
  throw new Error('ajv is left out of the mcp bundle: pass the MCP Server a jsonSchemaValidator');
}
