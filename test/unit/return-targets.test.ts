import { describe, expect, it } from 'vitest';
import { isAllowedReturnTarget, parseReturnTargets } from '../../shared/config/return-targets';

const { targets } = parseReturnTargets('https://app.example.com, http://127.0.0.1:5173, myapp://oauth');
const allowed = (target: string) => isAllowedReturnTarget(targets, new URL(target));

describe('return_to targets', () => {
  it('admits http(s) URLs on a listed origin only', () => {
    expect(allowed('https://app.example.com/settings?x=1')).toBe(true);
    expect(allowed('http://127.0.0.1:5173/')).toBe(true);
    expect(allowed('http://app.example.com/')).toBe(false);
    expect(allowed('https://app.example.com.evil.example/')).toBe(false);
    expect(allowed('https://evil.example/')).toBe(false);
  });

  it('admits URLs under an exactly listed custom-scheme prefix', () => {
    expect(allowed('myapp://oauth')).toBe(true);
    expect(allowed('myapp://oauth/done?provider=strava')).toBe(true);
    expect(allowed('myapp://oauthevil')).toBe(false);
    expect(allowed('myapp://other')).toBe(false);
    expect(allowed('otherapp://oauth')).toBe(false);
  });

  it.each(['javascript:alert(document.domain)//', 'data:text/html,<script>1</script>', 'vbscript:msgbox', 'file:///etc/passwd'])(
    'never admits %s, even when entries parse to a null origin',
    (target) => {
      // An entry like `localhost:3000` used to parse to the origin "null", which matched these.
      const lenient = { origins: ['null', ...targets.origins], appPrefixes: ['javascript:', 'data:'] };
      expect(isAllowedReturnTarget(lenient, new URL(target))).toBe(false);
      expect(allowed(target)).toBe(false);
    },
  );

  it('reports malformed entries instead of guessing', () => {
    expect(parseReturnTargets('localhost:3000, myapp://cb, https://x.example.com/a').malformed).toEqual(['localhost:3000', 'https://x.example.com/a']);
  });
});
