import { mockCredentials } from '@backstage/backend-test-utils';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  kaasTenantKubeconfigCreatePermission,
  kaasTenantReadPermission,
} from '@internal/plugin-kaas-common';
import { cachedReadDecisions } from './cachedReadDecisions';

function fakePermissions(result: AuthorizeResult) {
  const calls: string[] = [];
  const service: PermissionsService = {
    async authorize(requests) {
      calls.push(...requests.map(r => r.permission.name));
      return requests.map(() => ({ result } as any));
    },
    async authorizeConditional() {
      throw new Error('not used');
    },
  };
  return { service, calls };
}

describe('cachedReadDecisions', () => {
  const alice = { credentials: mockCredentials.user('user:default/alice') };
  const bob = { credentials: mockCredentials.user('user:default/bob') };
  const tenantA = 'resource:default/a';

  it('reuses a read decision per caller and resource until it expires', async () => {
    let time = 0;
    const { service, calls } = fakePermissions(AuthorizeResult.ALLOW);
    const cached = cachedReadDecisions(service, {
      permissions: [kaasTenantReadPermission],
      ttlMs: 10_000,
      now: () => time,
    });
    const read = { permission: kaasTenantReadPermission, resourceRef: tenantA };
    expect(await cached.authorize([read], alice)).toEqual([
      { result: AuthorizeResult.ALLOW },
    ]);
    await cached.authorize([read], alice);
    expect(calls).toHaveLength(1);
    await cached.authorize([read], bob);
    await cached.authorize(
      [{ ...read, resourceRef: 'resource:default/b' }],
      alice,
    );
    expect(calls).toHaveLength(3);
    time = 10_001;
    await cached.authorize([read], alice);
    expect(calls).toHaveLength(4);
  });

  it('asks every time for permissions it was not given, such as kubeconfigs', async () => {
    const { service, calls } = fakePermissions(AuthorizeResult.ALLOW);
    const cached = cachedReadDecisions(service, {
      permissions: [kaasTenantReadPermission],
      ttlMs: 10_000,
    });
    const issue = {
      permission: kaasTenantKubeconfigCreatePermission,
      resourceRef: tenantA,
    };
    await cached.authorize([issue], alice);
    await cached.authorize([issue], alice);
    expect(calls).toEqual([
      'kaas.tenant.kubeconfig.create',
      'kaas.tenant.kubeconfig.create',
    ]);
  });

  it('caches denials too, and never conditional answers', async () => {
    const denying = fakePermissions(AuthorizeResult.DENY);
    const cached = cachedReadDecisions(denying.service, {
      permissions: [kaasTenantReadPermission],
      ttlMs: 10_000,
    });
    const read = { permission: kaasTenantReadPermission, resourceRef: tenantA };
    await cached.authorize([read], alice);
    expect(await cached.authorize([read], alice)).toEqual([
      { result: AuthorizeResult.DENY },
    ]);
    expect(denying.calls).toHaveLength(1);

    const conditional = fakePermissions(AuthorizeResult.CONDITIONAL);
    const notCached = cachedReadDecisions(conditional.service, {
      permissions: [kaasTenantReadPermission],
      ttlMs: 10_000,
    });
    await notCached.authorize([read], alice);
    await notCached.authorize([read], alice);
    expect(conditional.calls).toHaveLength(2);
  });
});

describe('cachedReadDecisions under concurrency', () => {
  it('asks once for concurrent first requests of one caller', async () => {
    let calls = 0;
    const cached = cachedReadDecisions(
      {
        async authorize(requests) {
          calls++;
          await new Promise(r => setTimeout(r, 10));
          return requests.map(() => ({ result: AuthorizeResult.ALLOW } as any));
        },
        async authorizeConditional() {
          throw new Error('not used');
        },
      },
      { permissions: [kaasTenantReadPermission], ttlMs: 10_000 },
    );
    const read = {
      permission: kaasTenantReadPermission,
      resourceRef: 'resource:default/a',
    };
    const credentials = mockCredentials.user('user:default/alice');
    await Promise.all(
      Array.from({ length: 50 }, () =>
        cached.authorize([read], { credentials }),
      ),
    );
    expect(calls).toBe(1);
  });
});
