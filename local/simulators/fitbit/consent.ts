/** Google's consent screen, simulated: the app asks, each Google Health scope is a checkbox the user may untick. */
import { escapeHtml, hiddenInputs, pageHead } from '../kit';

const LABELS: Record<string, string> = {
  activity_and_fitness: 'See your activity and fitness data, such as exercise, steps and calories',
  health_metrics_and_measurements: 'See your health metrics, such as heart rate, HRV, SpO2, weight and body fat',
  sleep: 'See your sleep data',
  profile: 'See your Google Health profile',
};

function label(scope: string): string {
  const area = /googlehealth\.([a-z_]+)\.readonly$/.exec(scope)?.[1];
  return (area && LABELS[area]) ?? scope;
}

export function googleConsentPage(args: { title: string; action: string; query: URLSearchParams; scopes: string[] }): string {
  const hidden = hiddenInputs(args.query, '\n        ');
  const boxes = args.scopes
    .map((s) => `<li><label><input type="checkbox" name="granted" value="${escapeHtml(s)}" checked> ${escapeHtml(label(s))}</label></li>`)
    .join('\n        ');
  return `<!doctype html>
<html lang="en">
  ${pageHead(`Sign in with Google – ${args.title} (simulator)`)}
  <body>
    <h1>Sign in with Google</h1>
    <p>An application wants access to your Google Account (Fitbit data through the Google Health API).</p>
    <form method="get" action="${escapeHtml(args.action)}">
      <p>Select what it can access:</p>
      <ul>
        ${boxes}
      </ul>
        ${hidden}
      <button type="submit" name="decision" value="deny" id="deny">Cancel</button>
      <button type="submit" name="decision" value="allow" id="allow">Continue</button>
    </form>
  </body>
</html>`;
}
