/**
 * The user's side of an authorize request: a consent page for browsers, and a queue of
 * scripted decisions (approve, deny, untick scopes) that tests set through /_sim/consent.
 */
import * as z from 'zod';

export const ConsentDecisionSchema = z.object({
  approve: z.boolean().default(true),
  /** Scopes the user leaves ticked; all requested ones when omitted. */
  scopes: z.array(z.string()).optional(),
  user_id: z.string().min(1).optional(),
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

const escape = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** An HTML consent form that submits back to `action` with every original parameter. */
export function consentPage(args: { title: string; action: string; query: URLSearchParams; scopes: string[] }): string {
  const hidden = [...args.query]
    .filter(([key]) => key !== 'decision' && key !== 'granted')
    .map(([key, value]) => `<input type="hidden" name="${escape(key)}" value="${escape(value)}">`)
    .join('\n      ');
  const boxes = args.scopes
    .map((s) => `<label><input type="checkbox" name="granted" value="${escape(s)}" checked> ${escape(s)}</label><br>`)
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>${escape(args.title)} – authorize</title></head>
  <body>
    <h1>${escape(args.title)} (simulator)</h1>
    <p>An application asks to access your data.</p>
    <form method="get" action="${escape(args.action)}">
      ${hidden}
      ${boxes}
      <button type="submit" name="decision" value="allow" id="allow">Authorize</button>
      <button type="submit" name="decision" value="deny" id="deny">Cancel</button>
    </form>
  </body>
</html>`;
}
