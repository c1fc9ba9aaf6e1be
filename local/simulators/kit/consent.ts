/**
 * The user's side of an authorize request: a consent page for browsers, and a queue of
 * scripted decisions (approve, deny, untick scopes) that tests set through /_sim/consent.
 */
import * as z from '../../../shared/zod';

export const ConsentDecisionSchema = z.object({
  approve: z._default(z.boolean(), true),
  /** Scopes the user leaves ticked; all requested ones when omitted. */
  scopes: z.optional(z.array(z.string())),
  user_id: z.optional(z.string().check(z.minLength(1))),
});
type ConsentDecision = z.infer<typeof ConsentDecisionSchema>;

export class ConsentDesk {
  private readonly queue: ConsentDecision[] = [];

  push(decision: ConsentDecision): void {
    this.queue.push(decision);
  }

  take(): ConsentDecision | undefined {
    return this.queue.shift();
  }
}

/** Text made safe for HTML content and attribute values. */
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The authorize request's parameters as hidden inputs, so a consent form submits them back (its own fields left out). */
export function hiddenInputs(query: URLSearchParams, separator: string): string {
  return [...query]
    .filter(([key]) => key !== 'decision' && key !== 'granted')
    .map(([key, value]) => `<input type="hidden" name="${escapeHtml(key)}" value="${escapeHtml(value)}">`)
    .join(separator);
}

/** A simulator page's head: usable on a phone (viewport, touch-sized controls). */
export function pageHead(title: string): string {
  return `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
  <style>body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;padding:1rem;max-width:32rem}label{display:inline-flex;align-items:center;gap:.4rem;min-height:44px}button{font:inherit;min-height:44px;padding:.5rem 1rem;margin:.5rem .5rem 0 0}input[type=checkbox]{width:1.2rem;height:1.2rem}</style></head>`;
}

/** An HTML consent form that submits back to `action` with every original parameter. */
export function consentPage(args: { title: string; action: string; query: URLSearchParams; scopes: string[] }): string {
  const hidden = hiddenInputs(args.query, '\n      ');
  const boxes = args.scopes
    .map((s) => `<label><input type="checkbox" name="granted" value="${escapeHtml(s)}" checked> ${escapeHtml(s)}</label><br>`)
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
  ${pageHead(`${args.title} – authorize`)}
  <body>
    <h1>${escapeHtml(args.title)} (simulator)</h1>
    <p>An application asks to access your data.</p>
    <form method="get" action="${escapeHtml(args.action)}">
      ${hidden}
      ${boxes}
      <button type="submit" name="decision" value="allow" id="allow">Authorize</button>
      <button type="submit" name="decision" value="deny" id="deny">Cancel</button>
    </form>
  </body>
</html>`;
}
