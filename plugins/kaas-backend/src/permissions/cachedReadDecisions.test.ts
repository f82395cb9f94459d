import { mockCredentials } from '@backstage/backend-test-utils';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  kaasTenantKubeconfigCreatePermission,
  kaasTenantReadPermission,
} from '@kaas-platform/plugin-kaas-common';
import { cachedReadDecisions } from './cachedReadDecisions';

/**
 * A permission service whose policy answers `result` per resource and `policy` for a
 * resource permission asked without its resource (conditions, unless said otherwise).
 */
function fakePermissions(
  result: AuthorizeResult,
  policy: AuthorizeResult = AuthorizeResult.CONDITIONAL,
) {
  const calls: string[] = [];
  const policyCalls: string[] = [];
  const service: PermissionsService = {
    async authorize(requests) {
      calls.push(...requests.map(r => r.permission.name));
      return requests.map(() => ({ result } as any));
    },
    async authorizeConditional(requests) {
      policyCalls.push(...requests.map(r => r.permission.name));
      return requests.map(
        () =>
          (policy === AuthorizeResult.CONDITIONAL
            ? {
                result: policy,
                pluginId: 'catalog',
                resourceType: 'catalog-entity',
                conditions: { rule: 'IS_ENTITY_OWNER', params: {} },
              }
            : { result: policy }) as any,
      );
    },
  };
  return { service, calls, policyCalls };
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

describe('cachedReadDecisions when the policy decides without the resource', () => {
  const alice = { credentials: mockCredentials.user('user:default/alice') };
  const bob = { credentials: mockCredentials.user('user:default/bob') };
  const readOf = (n: number) => ({
    permission: kaasTenantReadPermission,
    resourceRef: `resource:default/tenant-${n}`,
  });

  it.each([AuthorizeResult.ALLOW, AuthorizeResult.DENY])(
    'asks once per caller (%s) for every resource, until it expires',
    async policy => {
      let time = 0;
      const { service, calls, policyCalls } = fakePermissions(
        AuthorizeResult.ALLOW,
        policy,
      );
      const cached = cachedReadDecisions(service, {
        permissions: [kaasTenantReadPermission],
        ttlMs: 10_000,
        now: () => time,
      });
      for (let n = 0; n < 1000; n++) {
        expect(await cached.authorize([readOf(n)], alice)).toEqual([
          { result: policy },
        ]);
      }
      expect(policyCalls).toEqual(['kaas.tenant.read']);
      expect(calls).toEqual([]);
      await cached.authorize([readOf(1)], bob);
      expect(policyCalls).toHaveLength(2);
      time = 10_001;
      await cached.authorize([readOf(1)], alice);
      expect(policyCalls).toHaveLength(3);
    },
  );

  it('decides each resource when the policy answers with conditions, and never reuses the conditions', async () => {
    const { service, calls, policyCalls } = fakePermissions(
      AuthorizeResult.DENY,
      AuthorizeResult.CONDITIONAL,
    );
    const cached = cachedReadDecisions(service, {
      permissions: [kaasTenantReadPermission],
      ttlMs: 10_000,
    });
    expect(await cached.authorize([readOf(1)], alice)).toEqual([
      { result: AuthorizeResult.DENY },
    ]);
    await cached.authorize([readOf(2)], alice);
    await cached.authorize([readOf(2)], alice);
    expect(policyCalls).toEqual(['kaas.tenant.read']);
    expect(calls).toEqual(['kaas.tenant.read', 'kaas.tenant.read']);
  });
});

describe('cachedReadDecisions with a service that cannot decide without the resource', () => {
  it('asks per resource, as before', async () => {
    const calls: string[] = [];
    const cached = cachedReadDecisions(
      {
        async authorize(requests) {
          calls.push(...requests.map(r => r.permission.name));
          return requests.map(() => ({ result: AuthorizeResult.ALLOW } as any));
        },
        async authorizeConditional() {
          throw new Error('conditional decisions are not supported here');
        },
      },
      { permissions: [kaasTenantReadPermission], ttlMs: 10_000 },
    );
    const credentials = mockCredentials.user('user:default/alice');
    expect(
      await cached.authorize(
        [
          {
            permission: kaasTenantReadPermission,
            resourceRef: 'resource:default/a',
          },
        ],
        { credentials },
      ),
    ).toEqual([{ result: AuthorizeResult.ALLOW }]);
    expect(calls).toEqual(['kaas.tenant.read']);
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
        async authorizeConditional(requests) {
          calls++;
          await new Promise(r => setTimeout(r, 10));
          return requests.map(
            () => ({ result: AuthorizeResult.CONDITIONAL } as any),
          );
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
    // One question to the policy, then one for the resource.
    expect(calls).toBe(2);
  });
});
