/**
 * The JSON Schema validator handed to the MCP SDK's Server. The SDK validates with it only the
 * answers to `elicitation/create`, which this server never sends; left to itself the Server
 * builds an Ajv instance (with its formats) for every request, and its bundle carries ajv
 * (about 105 kB). With this one it builds none, and the mcp bundle leaves ajv out
 * (infra/bundling.ts).
 */
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';

export const NO_ELICITATION_VALIDATOR: jsonSchemaValidator = {
  getValidator() {
    throw new Error('this MCP server never elicits input, so it validates no elicitation answer');
  },
};
