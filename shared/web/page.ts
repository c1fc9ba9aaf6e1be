/**
 * The connections page: one HTML document with its style and script inline, under a CSP that
 * admits exactly those two (by hash), talks only to its own origin and may be framed only by
 * the origins listed in PIERRE_ALLOWED_RETURN_ORIGINS.
 */
import { createHash } from 'node:crypto';
import type { PageConfig } from './client/identity';

const STYLE = `
:root { color-scheme: light; --ink: #1d232b; --muted: #56606b; --line: #d5dbe1; --accent: #0b5cad; --ok: #1c6b35; --bad: #a32020; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: .25rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
h3 { font-size: 1rem; margin: 0; flex: 1 1 auto; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 1; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
#notice:not(:empty), #alert:not(:empty) { padding: .75rem 1rem; border-radius: .5rem; margin-bottom: 1rem; }
#notice:not(:empty) { background: #e6f1fb; border: 1px solid #a9c9ea; }
#alert:not(:empty) { background: #fbeaea; border: 1px solid #e3a5a5; color: var(--bad); font-weight: 600; }
ul.providers, ol.activities { list-style: none; margin: 0; padding: 0; display: grid; gap: .75rem; }
ul.providers { grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); }
.provider, .activity { background: #fff; border: 1px solid var(--line); border-radius: .6rem; padding: .85rem; }
.provider { display: flex; flex-direction: column; gap: .5rem; }
.provider-head, .activity-head { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem; }
.badge { display: inline-block; font-size: .78rem; padding: .1rem .5rem; border-radius: 999px; border: 1px solid var(--line); background: #f0f2f4; color: var(--muted); white-space: nowrap; }
.status-connected { background: #e3f3e8; border-color: #9fd2ae; color: var(--ok); }
.status-revoked, .status-reauthorization_required, .health-down { background: #fbeaea; border-color: #e3a5a5; color: var(--bad); }
.health-up { color: var(--ok); }
.source { background: #eef0fb; border-color: #b9c0ee; color: #2c3a9a; }
ul.capabilities { display: flex; flex-wrap: wrap; gap: .3rem; list-style: none; margin: 0; padding: 0; font-size: .8rem; color: var(--muted); }
ul.capabilities li { border: 1px dashed var(--line); border-radius: .3rem; padding: 0 .35rem; }
.identity { margin: -.5rem 0 1rem; color: var(--muted); font-weight: 600; overflow-wrap: anywhere; }
.identity:empty { display: none; }
.switch { padding: .75rem 1rem; border-radius: .5rem; margin-bottom: 1rem; background: #fff6e0; border: 1px solid #e7c36a; overflow-wrap: anywhere; }
.switch p { margin: 0 0 .5rem; } .switch .choices { display: flex; flex-wrap: wrap; gap: .5rem; }
.hint { margin: 0; font-size: .85rem; color: var(--muted); }
button { font: inherit; min-height: 44px; padding: .5rem 1rem; border-radius: .45rem; border: 1px solid var(--accent); cursor: pointer; align-self: flex-start; }
button.primary { background: var(--accent); color: #fff; }
button.secondary { background: #fff; color: var(--accent); }
button:disabled { opacity: .55; cursor: not-allowed; }
:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
.activity-meta { margin: .25rem 0 0; color: var(--muted); font-size: .9rem; }
fieldset { border: 0; padding: 0; margin: 0 0 .5rem; display: flex; gap: 1rem; }
fieldset label { display: inline-flex; align-items: center; gap: .35rem; min-height: 44px; }
.chart-box { max-width: 36rem; background: #fff; border: 1px solid var(--line); border-radius: .6rem; padding: .5rem; }
svg.chart { width: 100%; height: auto; display: block; }
svg .bar { fill: var(--accent); } svg .axis { stroke: var(--line); } svg .tick { font-size: 10px; fill: var(--muted); }
@media (max-width: 30rem) { main { padding: .75rem; } h1 { font-size: 1.3rem; } ul.providers { grid-template-columns: 1fr; } }
`;

const BODY = `
<a class="skip" href="#main">Skip to content</a>
<main id="main">
  <h1>Your fitness connections</h1>
  <p id="identity" class="identity"></p>
  <div id="switch" class="switch" role="alertdialog" aria-labelledby="switch-question" hidden></div>
  <div id="notice" role="status" aria-live="polite"></div>
  <div id="alert" role="alert"></div>
  <section aria-labelledby="providers-heading">
    <h2 id="providers-heading">Providers</h2>
    <ul id="providers" class="providers" aria-busy="true"></ul>
  </section>
  <section aria-labelledby="chart-heading">
    <h2 id="chart-heading">Last 8 weeks</h2>
    <fieldset>
      <legend class="visually-hidden">Chart shows</legend>
      <label><input type="radio" name="metric" value="distance" checked> Distance</label>
      <label><input type="radio" name="metric" value="duration"> Duration</label>
    </fieldset>
    <div id="chart" class="chart-box"></div>
  </section>
  <section aria-labelledby="activities-heading">
    <h2 id="activities-heading">Recent activities</h2>
    <p id="sources-note" class="hint"></p>
    <p id="activities-empty" class="hint" hidden>No activities in the last 8 weeks. Connect a provider to see yours.</p>
    <ol id="activities" class="activities" aria-busy="true"></ol>
  </section>
</main>`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** JSON that is safe inside a <script> element. */
const inlineJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export interface RenderedPage {
  html: string;
  headers: Record<string, string>;
}

export function renderPage(script: string, config: PageConfig): RenderedPage {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connections · Pierre</title>
<style>${STYLE}</style>
</head>
<body>${BODY}
<script type="application/json" id="pierre-config">${inlineJson(config)}</script>
<script>${script}</script>
</body>
</html>
`;
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(STYLE)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors 'self'${config.tokenOrigins.map((o) => ` ${o}`).join('')}`,
  ].join('; ');
  return {
    html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': csp,
      'referrer-policy': 'no-referrer',
    },
  };
}
