/** The admin role: read from the configured claim only, and required by admin routes. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { requireAdmin } from '../../shared/app/identity';
import { identityFrom } from '../../shared/http/identity';
import { devTokenProblem } from '../../local/dev-auth';

const names = { tenantClaim: 'tenant_id', roleClaim: 'pierre_role' };
const eventWith = (claims: Record<string, unknown>) => ({ requestContext: { authorizer: { jwt: { claims } } } }) as unknown as APIGatewayProxyEventV2;

describe('admin role', () => {
  it.each([
    ['the role claim says admin', { pierre_role: 'admin' }, true],
    ['the role claim lists admin among groups', { pierre_role: ['reader', 'admin'] }, true],
    ['the role claim says something else', { pierre_role: 'reader' }, false],
    ['another claim says admin', { role: 'admin' }, false],
    ['there is no role claim', {}, false],
  ])('is granted only when %s', (_label, extra, admin) => {
    const identity = identityFrom(eventWith({ sub: 'u1', tenant_id: 't1', ...extra }), names);
    expect(identity.admin === true).toBe(admin);
    if (admin) expect(() => requireAdmin(identity)).not.toThrow();
    else expect(() => requireAdmin(identity)).toThrow(expect.objectContaining({ status: 403, code: 'forbidden' }));
  });

  it('reads the claim PIERRE_ROLE_CLAIM names', () => {
    const identity = identityFrom(eventWith({ sub: 'u1', tenant_id: 't1', 'custom:role': 'admin' }), { ...names, roleClaim: 'custom:role' });
    expect(identity.admin).toBe(true);
  });

  it('mints development tokens for the admin role only', () => {
    expect(devTokenProblem('u', 't', 'admin')).toBeUndefined();
    expect(devTokenProblem('u', 't', 'owner')).toContain("'role'");
  });
});
