import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { KUBECTL, uniqueName, waitFor } from '@internal/kaas-test-cluster';
import {
  KubeconfigIssuer,
  OwnerAuthorizer,
} from '@kaas-platform/plugin-kaas-node';
import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { adminKubeConfig } from '@internal/kaas-test-cluster';
import {
  CNPG_CLUSTER,
  instanceTestEnvironment,
} from '../__testUtils__/instanceTestEnvironment';
import {
  demoUserInfo,
  PLATFORM_ADMINS,
  runAction,
  tenantsOfTestFile,
} from '../__testUtils__/tenantTestEnvironment';
import { createKaasTenantTransferAction } from './tenantTransfer';

const OWNER = 'kaas.internal/owner';
const TEAM_A = 'group:default/team-a';
const TEAM_B = 'group:default/team-b';

/** The repo's kubectl with a downloaded kubeconfig, as its user would run it. */
async function kubectl(kubeconfig: string, ...args: string[]) {
  try {
    await promisify(execFile)(KUBECTL, ['--kubeconfig', kubeconfig, ...args]);
    return { code: 0, out: '' };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

function saved(content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-transfer-'));
  const file = path.join(dir, 'tenant.kubeconfig');
  fs.writeFileSync(file, content, { mode: 0o600 });
  return file;
}

describe('kaas:tenant:transfer against the local control plane with the CloudNativePG CRDs, checked with the real kubectl', () => {
  const env = instanceTestEnvironment();
  const kubeconfigs = KubeconfigIssuer.fromConfig(env.config, {
    clusters: env.clusters,
    tenants: env.tenants,
  });
  const action = createKaasTenantTransferAction({ ...env, kubeconfigs });
  const { createTenant } = tenantsOfTestFile(env);
  const rbac = adminKubeConfig().makeApiClient(RbacAuthorizationV1Api);
  const ownerOf = async (namespace: string) =>
    (await env.core.readNamespace({ name: namespace })).metadata?.annotations?.[
      OWNER
    ];

  it("moves alice's tenant, its instance and its RoleBindings to team-b for petra; alice's token kubeconfig stops working", async () => {
    const { name, namespace } = await createTenant(uniqueName('xfer'), {
      as: 'alice',
    });
    const pg = await env.createPostgres(name, 'alice');
    // Access the team gave itself inside its namespace goes with the transfer too.
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: 'team-a-view' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'view',
        },
        subjects: [
          {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'Group',
            name: 'team-a',
          },
        ],
      },
    });
    const alices = saved(
      (
        await kubeconfigs.issue(name, {
          mode: 'token',
          issuedTo: 'user:default/alice',
        })
      ).kubeconfig,
    );
    expect((await kubectl(alices, 'get', 'pods')).code).toBe(0);

    const dry = await runAction(
      action,
      { name, newOwner: 'team-b' },
      { as: 'petra', dryRun: true },
    );
    expect(dry.outputs).toMatchObject({
      from: TEAM_A,
      to: TEAM_B,
      revokedKubeconfigs: 1,
      accessRemoved: [
        `delete RoleBinding '${namespace}/team-a-view', which granted group team-a access`,
      ],
    });
    expect(dry.outputs.moved).toEqual(
      expect.arrayContaining([
        `Cluster '${namespace}/${pg}'`,
        `RoleBinding '${namespace}/owners-edit'`,
        `Namespace '${namespace}'`,
      ]),
    );
    expect(await ownerOf(namespace)).toBe(TEAM_A);
    expect((await kubectl(alices, 'get', 'pods')).code).toBe(0);

    const done = await runAction(
      action,
      { name, newOwner: 'group:default/team-b' },
      { as: 'petra' },
    );
    expect(done.outputs).toMatchObject({
      tenant: name,
      from: TEAM_A,
      to: TEAM_B,
      revokedKubeconfigs: 1,
    });
    expect(done.logs).toContain(
      `info: Tenant '${name}' now belongs to ${TEAM_B}; revoked 1 token kubeconfig(s) issued before the transfer`,
    );

    // The tenant (and so its catalog entity) is team-b's, and so is what it is made of.
    expect(await ownerOf(namespace)).toBe(TEAM_B);
    expect(await env.tenants.get(name)).toMatchObject({ owner: TEAM_B });
    const home = await env.core.readNamespace({ name: namespace });
    expect(
      JSON.parse(home.metadata!.annotations!['kaas.internal/spec']).owner,
    ).toBe(TEAM_B);
    const owners = await rbac.readNamespacedRoleBinding({
      name: 'owners-edit',
      namespace,
    });
    expect(owners.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team-b' },
    ]);
    expect(owners.metadata?.annotations?.[OWNER]).toBe(TEAM_B);
    const instance = (await env.custom.getNamespacedCustomObject({
      ...CNPG_CLUSTER,
      namespace,
      name: pg,
    })) as any;
    expect(instance.metadata.annotations[OWNER]).toBe(TEAM_B);
    await expect(
      rbac.readNamespacedRoleBinding({ name: 'team-a-view', namespace }),
    ).rejects.toMatchObject({ code: 404 });

    // The API server caches accepted tokens for up to ~10 s.
    const refused = await waitFor(
      async () => {
        const run = await kubectl(alices, 'get', 'pods');
        return run.code !== 0 ? run : undefined;
      },
      {
        timeoutMs: 30_000,
        describe: () => "alice's kubeconfig to be refused",
      },
    );
    expect(refused.out).toMatch(/Unauthorized|must be logged in/);

    // team-b's own kubeconfigs work: the ServiceAccount behind them moved too (a fresh
    // issuer, as after a restart, applies it again under the ownership guard).
    const restarted = KubeconfigIssuer.fromConfig(env.config, {
      clusters: env.clusters,
      tenants: env.tenants,
    });
    const bobs = saved(
      (
        await restarted.issue(name, {
          mode: 'token',
          issuedTo: 'user:default/bob',
        })
      ).kubeconfig,
    );
    expect((await kubectl(bobs, 'get', 'pods')).code).toBe(0);

    const again = await runAction(
      action,
      { name, newOwner: TEAM_B },
      { as: 'petra' },
    );
    expect(again.outputs).toMatchObject({ moved: [], revokedKubeconfigs: 0 });
    expect(again.logs).toContain(
      `info: Tenant '${name}' belongs to ${TEAM_B} already`,
    );
  });

  it.each([
    [
      'bob, of team-b only',
      'bob' as const,
      /user:default\/bob is not a member of group:default\/team-a/,
    ],
    [
      'alice, of team-a only',
      'alice' as const,
      /user:default\/alice is not a member of group:default\/team-b/,
    ],
  ])('refuses %s and changes nothing', async (_, as, reason) => {
    const { name, namespace } = await createTenant(uniqueName('xfer-no'), {
      as: 'alice',
    });
    const refusal = runAction(action, { name, newOwner: TEAM_B }, { as });
    await expect(refusal).rejects.toThrow(
      `Tenant '${name}' of ${TEAM_A} may be moved to ${TEAM_B} only by a platform admin or by someone who may act for both groups`,
    );
    await expect(refusal).rejects.toThrow(reason);
    expect(await ownerOf(namespace)).toBe(TEAM_A);
  });

  it('lets a member of both groups move the tenant', async () => {
    // No demo user is in both teams: arthur (team-a) joins team-b for this test.
    const demo = demoUserInfo();
    const bothTeams = new OwnerAuthorizer({
      platformAdmins: [PLATFORM_ADMINS],
      userInfo: {
        async getUserInfo(credentials: BackstageCredentials) {
          const info = await demo.getUserInfo(credentials);
          return info.userEntityRef === 'user:default/arthur'
            ? {
                ...info,
                ownershipEntityRefs: [...info.ownershipEntityRefs, TEAM_B],
              }
            : info;
        },
      },
    });
    const asMember = createKaasTenantTransferAction({
      ...env,
      owners: bothTeams,
      kubeconfigs,
    });
    const { name, namespace } = await createTenant(uniqueName('xfer-both'), {
      as: 'alice',
    });
    await runAction(asMember, { name, newOwner: TEAM_B }, { as: 'arthur' });
    expect(await ownerOf(namespace)).toBe(TEAM_B);
  });
});
