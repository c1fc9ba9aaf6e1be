/**
 * The connections page: one HTML document with its style and script inline, under a CSP that
 * admits exactly those two (by hash), talks only to its own origin and may be framed only by
 * the origins listed in PIERRE_ALLOWED_RETURN_ORIGINS.
 */
import { createHash } from 'node:crypto';
import type { PageConfig } from './client/identity';

const STYLE = `
:root { color-scheme: light; --ink: #1d232b; --muted: #56606b; --line: #d5dbe1; --accent: #0b5cad; --ok: #1c6b35; --bad: #a32020; --bg: #f6f7f9;
  --deep: #1f3f8f; --light: #6f9be0; --rem: #9b59c9; --awake: #f0a04b; --asleep: #4d7cc9; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
main { max-width: 76rem; margin: 0 auto; padding: .75rem 1rem 2rem; }
header.top { display: flex; flex-wrap: wrap; align-items: baseline; gap: .25rem 1rem; margin-bottom: .5rem; }
h1 { font-size: 1.35rem; margin: 0; }
h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
h3 { font-size: .95rem; margin: 0; white-space: nowrap; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 1; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
#notice:not(:empty), #alert:not(:empty) { padding: .6rem 1rem; border-radius: .5rem; margin-bottom: .75rem; }
#notice:not(:empty) { background: #e6f1fb; border: 1px solid #a9c9ea; }
#alert:not(:empty) { background: #fbeaea; border: 1px solid #e3a5a5; color: var(--bad); font-weight: 600; }
.identity { margin: 0; color: var(--muted); font-weight: 600; overflow-wrap: anywhere; }
.identity:empty { display: none; }
.switch { padding: .75rem 1rem; border-radius: .5rem; margin-bottom: 1rem; background: #fff6e0; border: 1px solid #e7c36a; overflow-wrap: anywhere; }
.switch p { margin: 0 0 .5rem; } .switch .choices { display: flex; flex-wrap: wrap; gap: .5rem; }
.hint { margin: 0; font-size: .85rem; color: var(--muted); }
.hint:empty { display: none; }
button, select, input { font: inherit; }
button { min-height: 44px; padding: .4rem .9rem; border-radius: .45rem; border: 1px solid var(--accent); cursor: pointer; white-space: nowrap; }
button.primary { background: var(--accent); color: #fff; }
button.secondary { background: #fff; color: var(--accent); }
button:disabled { opacity: .55; cursor: not-allowed; }
:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
ul.providers { list-style: none; margin: 0 0 .75rem; padding: 0 0 .25rem; display: flex; flex-wrap: wrap; gap: .4rem; }
@media (max-width: 40rem) { ul.providers { flex-wrap: nowrap; overflow-x: auto; } }
li.provider { flex: 0 0 auto; display: flex; align-items: center; gap: .4rem; background: #fff; border: 1px solid var(--line); border-radius: .6rem; padding: .25rem .3rem .25rem .6rem; position: relative; min-height: 2.9rem; }
li.provider button { min-height: 36px; padding: .2rem .7rem; font-size: .9rem; }
.provider-details summary { list-style: none; cursor: pointer; color: var(--muted); width: 1.6rem; height: 1.6rem; display: grid; place-items: center; border: 1px solid var(--line); border-radius: 50%; font: italic 600 .85rem Georgia, serif; }
.provider-details summary::-webkit-details-marker { display: none; }
.details-panel { position: absolute; z-index: 2; top: 100%; left: 0; margin-top: .25rem; background: #fff; border: 1px solid var(--line); border-radius: .5rem; padding: .5rem; min-width: 14rem; box-shadow: 0 4px 12px #0002; }
.details-panel p { margin-top: .4rem; }
.badge { display: inline-block; font-size: .75rem; padding: .05rem .45rem; border-radius: 999px; border: 1px solid var(--line); background: #f0f2f4; color: var(--muted); white-space: nowrap; }
.status-connected { background: #e3f3e8; border-color: #9fd2ae; color: var(--ok); }
.status-revoked, .status-reauthorization_required, .health-down { background: #fbeaea; border-color: #e3a5a5; color: var(--bad); }
.source { background: #eef0fb; border-color: #b9c0ee; color: #2c3a9a; }
ul.capabilities { display: flex; flex-wrap: wrap; gap: .3rem; list-style: none; margin: 0; padding: 0; font-size: .8rem; color: var(--muted); }
ul.capabilities li { border: 1px dashed var(--line); border-radius: .3rem; padding: 0 .35rem; }
.controls { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; margin-bottom: .5rem; }
[role="tablist"] { display: flex; gap: .25rem; }
[role="tab"] { background: #fff; color: var(--ink); border-color: var(--line); }
[role="tab"][aria-selected="true"] { background: var(--ink); color: #fff; border-color: var(--ink); }
.range { display: flex; gap: .5rem; flex-wrap: wrap; }
.range label, .toggle, .source-pick label { display: inline-flex; align-items: center; gap: .35rem; font-size: .9rem; color: var(--muted); min-height: 44px; white-space: nowrap; }
.range input, select { min-height: 40px; border: 1px solid var(--line); border-radius: .4rem; padding: .2rem .4rem; background: #fff; color: var(--ink); }
.toggle[hidden] { display: none; }
.view-grid { display: grid; gap: 1rem; }
@media (min-width: 60rem) { .view-grid { grid-template-columns: minmax(0, 5fr) minmax(0, 6fr); align-items: start; } }
fieldset { border: 0; padding: 0; margin: 0 0 .25rem; display: flex; gap: 1rem; }
fieldset label { display: inline-flex; align-items: center; gap: .35rem; min-height: 44px; }
.chart-box { background: #fff; border: 1px solid var(--line); border-radius: .6rem; padding: .5rem; margin: 0; min-width: 0; }
.chart-box figcaption { font-weight: 600; font-size: .9rem; margin: 0 0 .25rem .25rem; }
.chart-grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr)); }
svg.chart { width: 100%; height: auto; display: block; }
#view-sleep .chart-box { max-width: 46rem; }
svg .bar { fill: var(--accent); } svg .axis { stroke: #8a949e; } svg .grid { stroke: #e6e9ec; }
svg .tick { font-size: 10px; fill: var(--muted); } svg .axis-title { font-size: 10px; fill: var(--muted); font-style: italic; }
svg .value { font-size: 10px; fill: var(--ink); font-weight: 600; }
svg .line { fill: none; stroke: var(--accent); stroke-width: 2; } svg .point { fill: var(--accent); }
.stage-deep { fill: var(--deep); } .stage-light { fill: var(--light); } .stage-rem { fill: var(--rem); } .stage-awake { fill: var(--awake); } .stage-asleep { fill: var(--asleep); }
ol.activities { list-style: none; margin: 0; padding: 0; display: grid; gap: .4rem; }
button.activity-open { width: 100%; text-align: left; background: #fff; color: var(--ink); border: 1px solid var(--line); border-radius: .6rem; padding: .5rem .75rem; display: grid; gap: .15rem; white-space: normal; }
button.activity-open:hover { border-color: var(--accent); }
.activity-head { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem; }
.activity-meta { display: flex; flex-wrap: wrap; gap: .1rem .75rem; color: var(--muted); font-size: .88rem; }
.value, time { white-space: nowrap; }
.summary { display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: 0 0 .5rem; }
#more { margin-top: .5rem; }
.skeleton { background: linear-gradient(90deg, #e9ecef 25%, #f5f6f8 50%, #e9ecef 75%); background-size: 200% 100%; animation: shimmer 1.2s infinite linear; border-radius: .6rem; }
li.skeleton-activity { height: 3.6rem; } li.skeleton-provider { width: 9rem; height: 2.9rem; }
.chart-skeleton { height: 12rem; } .skeleton-line { height: 1.2rem; width: 60%; }
@keyframes shimmer { to { background-position: -200% 0; } }
@media (prefers-reduced-motion: reduce) { .skeleton { animation: none; } }
.load-failed { background: #fbeaea; border: 1px solid #e3a5a5; border-radius: .5rem; padding: .5rem .75rem; display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; }
.load-failed p { margin: 0; color: var(--bad); }
dialog { border: 1px solid var(--line); border-radius: .75rem; padding: 1rem; width: min(40rem, calc(100vw - 1.5rem)); max-height: calc(100vh - 2rem); }
dialog::backdrop { background: #0006; }
.detail-head { display: flex; justify-content: space-between; align-items: center; gap: 1rem; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); gap: .5rem 1rem; margin: .5rem 0 1rem; }
dl.facts dt { font-size: .8rem; color: var(--muted); } dl.facts dd { margin: 0; font-weight: 600; }
table.laps { font-variant-numeric: tabular-nums; border-collapse: collapse; width: 100%; font-size: .9rem; }
.table-scroll { overflow-x: auto; }
table.laps caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
table.laps th, table.laps td { padding: .3rem .5rem; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
table.laps th:first-child { text-align: left; }
@media (max-width: 30rem) { main { padding: .5rem .6rem 1.5rem; } h1 { font-size: 1.15rem; } .controls { gap: .25rem .5rem; } .range { flex-wrap: nowrap; } .range input { width: 8.6rem; } }
`;

const BODY = `
<a class="skip" href="#data">Skip to your data</a>
<main id="main">
  <header class="top">
    <h1>Your fitness data</h1>
    <p id="identity" class="identity"></p>
  </header>
  <div id="switch" class="switch" role="alertdialog" aria-labelledby="switch-question" hidden></div>
  <div id="notice" role="status" aria-live="polite"></div>
  <div id="alert" role="alert"></div>
  <section aria-labelledby="providers-heading">
    <h2 id="providers-heading" class="visually-hidden">Providers</h2>
    <ul id="providers" class="providers" aria-busy="true"></ul>
    <div id="providers-failed"></div>
  </section>
  <section id="data" aria-labelledby="data-heading">
    <h2 id="data-heading" class="visually-hidden">Your data</h2>
    <div class="controls">
      <div role="tablist" aria-label="Data">
        <button type="button" role="tab" id="tab-activities" aria-controls="view-activities" aria-selected="true">Activities</button>
        <button type="button" role="tab" id="tab-sleep" aria-controls="view-sleep" aria-selected="false" tabindex="-1">Sleep</button>
        <button type="button" role="tab" id="tab-recovery" aria-controls="view-recovery" aria-selected="false" tabindex="-1">Recovery</button>
      </div>
      <div class="range">
        <label>From <input type="date" id="range-from"></label>
        <label>To <input type="date" id="range-to"></label>
      </div>
      <label id="demo-toggle-label" class="toggle" hidden><input type="checkbox" id="demo-toggle"> Show demo data</label>
    </div>
    <p id="demo-note" class="hint"></p>
    <div id="view-activities" role="tabpanel" aria-labelledby="tab-activities" class="view-grid">
      <div>
        <fieldset>
          <legend class="visually-hidden">Chart shows</legend>
          <label><input type="radio" name="metric" value="distance" checked> Distance</label>
          <label><input type="radio" name="metric" value="duration"> Duration</label>
        </fieldset>
        <div id="chart" class="chart-box"></div>
      </div>
      <div>
        <h2 id="activities-heading" class="visually-hidden">Activities</h2>
        <p id="sources-note" class="hint"></p>
        <div id="activities-failed"></div>
        <p id="activities-empty" class="hint" hidden>No activities in this range.</p>
        <ol id="activities" class="activities" aria-labelledby="activities-heading" aria-busy="true"></ol>
        <button type="button" id="more" class="secondary" hidden>Show more</button>
      </div>
    </div>
    <div id="view-sleep" role="tabpanel" aria-labelledby="tab-sleep" hidden>
      <div class="source-pick"></div>
      <div class="view-body"></div>
    </div>
    <div id="view-recovery" role="tabpanel" aria-labelledby="tab-recovery" hidden>
      <div class="source-pick"></div>
      <div class="view-body"></div>
    </div>
  </section>
  <dialog id="detail" aria-labelledby="detail-title">
    <div class="detail-head"><h2 id="detail-title"></h2><button type="button" id="detail-close" class="secondary">Close</button></div>
    <div id="detail-body"></div>
  </dialog>
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
