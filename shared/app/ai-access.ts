/**
 * Provider terms for AI use. Some providers' terms keep their data out of an AI model's context
 * (Strava's API agreement, as reported): such a provider is left out of the MCP tools (their
 * provider choices, `provider=all`) and refused when a tool names it. REST is unchanged.
 * `PIERRE_<P>_AI_ACCESS` overrides the descriptor's `aiUse.allowed`; docs/ai-access.md.
 */
import { currentRequest, withinRequest } from '../context/request';
import { providerEnvPrefix } from '../config/provider-config';
import { readSettings } from '../providers/settings';
import type { Container } from './container';
import { AppError } from './errors';

// The configuration is fixed for a container's life: each provider's answer is worked out once.
const decided = new WeakMap<Container, Map<string, boolean>>();

/** Whether the provider's data may be served to an AI assistant (an unknown provider: true, so the usual 404 answers it). */
export function aiAccessAllowed(container: Container, name: string): boolean {
  const descriptor = container.registry.descriptor(name);
  if (!descriptor) return true;
  let known = decided.get(container);
  if (!known) decided.set(container, (known = new Map()));
  let allowed = known.get(name);
  if (allowed === undefined) {
    const setting = readSettings(descriptor, container.providerConfig(name).settings).AI_ACCESS;
    allowed = setting === undefined ? descriptor.aiUse.allowed : setting === 'true';
    known.set(name, allowed);
  }
  return allowed;
}

/** Runs `work` as serving an AI assistant (the MCP tools). */
export function servingAi<T>(work: () => Promise<T>): Promise<T> {
  return withinRequest({ forAi: true }, work);
}

/** Whether the running request serves an AI assistant. */
export function servesAi(): boolean {
  return currentRequest()?.forAi === true;
}

/** Refuses (403 `ai_access_disabled`) a provider an AI assistant may not be served, when the request serves one. */
export function checkAiAccess(container: Container, name: string): void {
  if (!servesAi() || aiAccessAllowed(container, name)) return;
  const descriptor = container.registry.descriptor(name)!;
  throw new AppError(
    403,
    'ai_access_disabled',
    `${descriptor.displayName} data is not served to AI assistants here (${descriptor.aiUse.terms}); ` +
      `it stays available over the REST API. The operator may allow it with ${providerEnvPrefix(name)}AI_ACCESS=true.`,
  );
}
