/**
 * Where the callback may send the browser back to (`return_to`): an http(s) URL on a listed
 * origin, or a URL under an exactly listed custom-scheme prefix (`myapp://oauth`) for mobile
 * apps. Script-carrying and local schemes are never a target, whatever the list says.
 */
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'about:']);
const WEB_SCHEMES = new Set(['http:', 'https:']);

interface ReturnTargets {
  /** `https://app.example.com` */
  readonly origins: readonly string[];
  /** `myapp://oauth` */
  readonly appPrefixes: readonly string[];
}

/** Parses one list entry; undefined when it is neither a web origin nor a custom-scheme prefix. */
function parseEntry(entry: string): { origin: string } | { appPrefix: string } | undefined {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return undefined;
  }
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return undefined;
  if (WEB_SCHEMES.has(url.protocol)) {
    // An origin is scheme, host and port only: a path, query or credentials mean a typo.
    const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    return bare && url.host ? { origin: url.origin } : undefined;
  }
  // Custom schemes must be written as `scheme://something` so that a prefix match is meaningful.
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^\s?#]+$/i.test(entry)) return undefined;
  return { appPrefix: entry.replace(/\/+$/, '') };
}

/** Parses `PIERRE_ALLOWED_RETURN_ORIGINS`; the malformed entries are returned so start-up can name them. */
export function parseReturnTargets(value: string | undefined): { targets: ReturnTargets; malformed: string[] } {
  const origins: string[] = [];
  const appPrefixes: string[] = [];
  const malformed: string[] = [];
  for (const entry of (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const parsed = parseEntry(entry);
    if (!parsed) malformed.push(entry);
    else if ('origin' in parsed) origins.push(parsed.origin);
    else appPrefixes.push(parsed.appPrefix);
  }
  return { targets: { origins, appPrefixes }, malformed };
}

/** Whether `target` (already an absolute URL) may receive the browser after the callback. */
export function isAllowedReturnTarget(targets: ReturnTargets, target: URL): boolean {
  if (FORBIDDEN_SCHEMES.has(target.protocol)) return false;
  if (WEB_SCHEMES.has(target.protocol)) return targets.origins.includes(target.origin);
  const text = target.href;
  return targets.appPrefixes.some((prefix) => {
    if (!text.toLowerCase().startsWith(prefix.toLowerCase())) return false;
    // `myapp://oauth` admits `myapp://oauth/cb?x` but not `myapp://oauthevil`.
    const next = text.charAt(prefix.length);
    return next === '' || next === '/' || next === '?' || next === '#';
  });
}
