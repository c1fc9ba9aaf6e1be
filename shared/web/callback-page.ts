/**
 * The page a browser lands on at the end of a connection that was started without `return_to`
 * (from an assistant's `connect_provider`, say): it says in words what happened and that the
 * person can go back to where they started. No script; its one style is admitted by hash.
 */
import { createHash } from 'node:crypto';

export type CallbackOutcome = { connected: true } | { connected: false; code: string; message: string };

const STYLE = `
body { margin: 0; font: 17px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d232b; background: #f6f7f9; }
main { max-width: 34rem; margin: 12vh auto 0; padding: 1.5rem; background: #fff; border: 1px solid #d5dbe1; border-radius: .75rem; }
h1 { font-size: 1.35rem; margin: 0 0 .75rem; }
.ok h1 { color: #1c6b35; } .failed h1 { color: #a32020; }
p { margin: .5rem 0; } .detail { color: #56606b; font-size: .95rem; }
`;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const GO_BACK = 'You can close this page and go back to your assistant or the app you came from.';

/** Headline and explanation for an outcome, in plain words. */
function wordsFor(provider: string, outcome: CallbackOutcome): { title: string; lines: string[]; detail?: string } {
  if (outcome.connected) return { title: `Connected to ${provider}`, lines: [`Your ${provider} account is connected.`, GO_BACK] };
  const again = `To try again, ask your assistant (or the app) to connect ${provider} once more.`;
  switch (outcome.code) {
    case 'access_denied':
      return { title: `${provider} was not connected`, lines: [`The authorization at ${provider} was refused, so nothing was connected.`, GO_BACK, again] };
    case 'invalid_state':
      return {
        title: 'This link has expired',
        lines: [`This connection link has expired or was already used, so ${provider} was not connected.`, GO_BACK, again],
      };
    default:
      return {
        title: `${provider} could not be connected`,
        lines: [`Something went wrong while connecting ${provider}.`, GO_BACK, again],
        detail: outcome.message,
      };
  }
}

export function renderCallbackPage(provider: string, outcome: CallbackOutcome): { html: string; headers: Record<string, string> } {
  const { title, lines, detail } = wordsFor(provider, outcome);
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    ...lines.map((line) => `<p>${escapeHtml(line)}</p>`),
    ...(detail ? [`<p class="detail">${escapeHtml(detail)}</p>`] : []),
  ].join('\n');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Pierre</title>
<style>${STYLE}</style>
</head>
<body><main class="${outcome.connected ? 'ok' : 'failed'}" role="${outcome.connected ? 'status' : 'alert'}">
${body}
</main></body>
</html>
`;
  const styleHash = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;
  const csp = ["default-src 'none'", `style-src ${styleHash}`, "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"].join('; ');
  return { html, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp, 'referrer-policy': 'no-referrer' } };
}

/** Whether the caller asked for HTML over JSON (a browser does; an API client asking for JSON or anything does not). */
export function prefersHtml(accept: string | undefined): boolean {
  const weights = new Map<string, number>();
  for (const part of (accept ?? '').split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (type) weights.set(type.trim(), q ? Number(q.slice(2)) || 0 : 1);
  }
  return (weights.get('text/html') ?? 0) > (weights.get('application/json') ?? 0);
}
