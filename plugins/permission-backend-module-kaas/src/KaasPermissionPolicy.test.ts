import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  kubernetesProxyPermission,
  kubernetesResourcesReadPermission,
} from '@backstage/plugin-kubernetes-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  kaasTenantCreatePermission,
  kaasTenantDeletePermission,
  kaasTenantKubeconfigCreatePermission,
  kaasTenantListPermission,
  kaasTenantReadPermission,
  xaasInstanceCredentialsReadPermission,
} from '@kaas-platform/plugin-kaas-common';
import { ConfigReader } from '@backstage/config';
import { KaasPermissionPolicy } from './KaasPermissionPolicy';
import { readPlatformAdminOnlyPermissions } from './readPlatformAdminOnlyPermissions';

const policy = new KaasPermissionPolicy(['group:default/platform-team']);

function user(...ownershipEntityRefs: string[]): PolicyQueryUser {
  return {
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
    token: 'token',
    credentials: {} as PolicyQueryUser['credentials'],
    expiresInSeconds: 3600,
  } as PolicyQueryUser;
}

const alice = user('user:default/alice', 'group:default/team-a');
const petra = user('user:default/petra', 'group:default/platform-team');

describe('KaasPermissionPolicy', () => {
  it.each([
    kaasTenantKubeconfigCreatePermission,
    xaasInstanceCredentialsReadPermission,
  ])(
    'asks the kaas plugin whether the user is in the owner group recorded on the cluster for $name',
    async p => {
      expect(await policy.handle({ permission: p }, alice)).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'kaas',
        resourceType: 'kaas-tenant',
        conditions: {
          rule: 'IS_TENANT_OWNER',
          resourceType: 'kaas-tenant',
          params: {
            claims: ['user:default/alice', 'group:default/team-a'],
          },
        },
      });
    },
  );

  it('allows platform admins to download any kubeconfig, whatever the case of the ref', async () => {
    const admin = user('user:default/petra', 'group:default/Platform-Team');
    expect(
      await policy.handle(
        { permission: kaasTenantKubeconfigCreatePermission },
        admin,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle(
        { permission: xaasInstanceCredentialsReadPermission },
        petra,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('denies services and users without any ownership claim the owner-only permissions', async () => {
    for (const p of [
      kaasTenantKubeconfigCreatePermission,
      xaasInstanceCredentialsReadPermission,
    ]) {
      expect(await policy.handle({ permission: p })).toEqual({
        result: AuthorizeResult.DENY,
      });
      expect(await policy.handle({ permission: p }, user())).toEqual({
        result: AuthorizeResult.DENY,
      });
    }
  });

  it('allows the core Kubernetes plugin’s proxy to platform admins only', async () => {
    const p = kubernetesProxyPermission;
    const bob = user('user:default/bob', 'group:default/team-b');
    expect((await policy.handle({ permission: p }, petra)).result).toBe(
      AuthorizeResult.ALLOW,
    );
    for (const caller of [alice, bob, user()]) {
      expect((await policy.handle({ permission: p }, caller)).result).toBe(
        AuthorizeResult.DENY,
      );
    }
    expect((await policy.handle({ permission: p })).result).toBe(
      AuthorizeResult.DENY,
    );
    // Its object routes stay open; the kubernetesTenantObjects module filters them.
    expect(
      (
        await policy.handle(
          { permission: kubernetesResourcesReadPermission },
          bob,
        )
      ).result,
    ).toBe(AuthorizeResult.ALLOW);
  });

  it('lets users, not services, start tenant writes', async () => {
    const p = kaasTenantCreatePermission;
    expect((await policy.handle({ permission: p }, alice)).result).toBe(
      AuthorizeResult.ALLOW,
    );
    expect((await policy.handle({ permission: p })).result).toBe(
      AuthorizeResult.DENY,
    );
  });

  it('allows reading status and other plugins’ permissions to users and services', async () => {
    for (const p of [
      kaasTenantReadPermission,
      kaasTenantListPermission,
      catalogEntityReadPermission,
    ]) {
      expect((await policy.handle({ permission: p }, alice)).result).toBe(
        AuthorizeResult.ALLOW,
      );
      expect((await policy.handle({ permission: p })).result).toBe(
        AuthorizeResult.ALLOW,
      );
    }
  });

  it('keeps the permissions of kaas.platformAdminOnlyPermissions for platform admins', async () => {
    const strict = new KaasPermissionPolicy(
      ['group:default/platform-team'],
      readPlatformAdminOnlyPermissions(
        new ConfigReader({
          kaas: { platformAdminOnlyPermissions: ['kaas.tenant.delete'] },
        }),
      ),
    );
    const p = kaasTenantDeletePermission;
    expect((await strict.handle({ permission: p }, alice)).result).toBe(
      AuthorizeResult.DENY,
    );
    expect((await strict.handle({ permission: p }, petra)).result).toBe(
      AuthorizeResult.ALLOW,
    );
    expect((await strict.handle({ permission: p })).result).toBe(
      AuthorizeResult.DENY,
    );
    expect(
      (await strict.handle({ permission: kaasTenantCreatePermission }, alice))
        .result,
    ).toBe(AuthorizeResult.ALLOW);
  });

  it('refuses a name in kaas.platformAdminOnlyPermissions that is no kaas permission', () => {
    expect(() =>
      readPlatformAdminOnlyPermissions(
        new ConfigReader({
          kaas: { platformAdminOnlyPermissions: ['kaas.tenant.destroy'] },
        }),
      ),
    ).toThrow(
      /kaas.platformAdminOnlyPermissions: 'kaas.tenant.destroy' is no kaas permission; use some of: .*kaas.tenant.delete/,
    );
  });
});
