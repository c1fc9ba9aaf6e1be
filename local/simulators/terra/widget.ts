/**
 * Terra's hosted widget, simulated: widget sessions from `POST /api/widget/session` (15 minutes,
 * one use), the page a browser sees (pick a source, Connect or Cancel), and the redirect back
 * to the developer's success or failure URL with `user_id`, `resource` and `reference_id`.
 */
import { randomUUID } from 'node:crypto';
import { escapeHtml, pageHead } from '../kit';

const SESSION_TTL_SECS = 900;
export const DEFAULT_RESOURCES = ['GARMIN', 'FITBIT', 'OURA', 'POLAR', 'WITHINGS'];

interface WidgetSession {
  id: string;
  devId: string;
  referenceId: string | null;
  successUrl: string | undefined;
  failureUrl: string | undefined;
  resources: string[];
  language: string;
  expiresAt: number;
  used: boolean;
}

export class WidgetSessions {
  private readonly sessions = new Map<string, WidgetSession>();

  constructor(private readonly now: () => number) {}

  create(input: Omit<WidgetSession, 'id' | 'expiresAt' | 'used'>): WidgetSession {
    const session: WidgetSession = { ...input, id: randomUUID(), expiresAt: Math.floor(this.now() / 1000) + SESSION_TTL_SECS, used: false };
    this.sessions.set(session.id, session);
    return session;
  }

  /** A session that can still be completed, or undefined (unknown, expired or used). */
  live(id: string): WidgetSession | undefined {
    const session = this.sessions.get(id);
    if (!session || session.used || session.expiresAt <= Math.floor(this.now() / 1000)) return undefined;
    return session;
  }
}

/** Terra's default result pages, used when the developer gave no redirect URL. */
const DEFAULT_SUCCESS = 'https://widget.tryterra.co/session/demo/success';
const DEFAULT_FAILURE = 'https://widget.tryterra.co/session/demo/failure';

export function resultUrl(session: WidgetSession, outcome: { userId: string | null; resource: string; success: boolean }): string {
  const url = new URL(outcome.success ? (session.successUrl ?? DEFAULT_SUCCESS) : (session.failureUrl ?? DEFAULT_FAILURE));
  if (outcome.userId) url.searchParams.set('user_id', outcome.userId);
  url.searchParams.set('resource', outcome.resource);
  url.searchParams.set('reference_id', session.referenceId ?? 'null');
  return url.toString();
}

/** The device-selection screen; the form submits back to the same widget URL. */
export function widgetPage(session: WidgetSession): string {
  const options = session.resources
    .map((r, i) => `<label><input type="radio" name="resource" value="${escapeHtml(r)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(r)}</label><br>`)
    .join('\n      ');
  return `<!doctype html>
<html lang="${escapeHtml(session.language)}">
  ${pageHead('Terra – connect a device')}
  <body>
    <h1>Terra (simulator)</h1>
    <p>Choose the account whose health data you want to share.</p>
    <form method="get" action="${escapeHtml(session.id)}">
      ${options}
      <button type="submit" name="decision" value="allow" id="allow">Connect</button>
      <button type="submit" name="decision" value="deny" id="deny">Cancel</button>
    </form>
  </body>
</html>`;
}
