import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CoreV1Api,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  adminKubeConfig,
  uniqueName,
  waitFor,
} from '@internal/kaas-test-cluster';
import request from 'supertest';
import {
  CapturingRootLogger,
  credentialRoutesConfig,
  tenantsOver,
} from '../__testUtils__/credentialRoutesBackend';
import { kaasPlugin } from '../plugin';

/** The route tests' configuration with a baseline of two RoleBindings. */
const kaasConfig = {
  ...credentialRoutesConfig(),
  baseline: [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'tenant-owner-admin' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'admin',
      },
      subjects: [
        {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Group',
          name: '${{ tenant.ownerName }}',
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'platform-team-view' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'view',
      },
      subjects: [
        {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Group',
          name: 'platform-team',
        },
      ],
    },
  ],
};

const GROUPS: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  'user:default/carol': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-b'],
  'user:default/petra': ['group:default/platform-team'],
};

const userRefOf = (credentials: { principal: unknown }) =>
  (credentials.principal as { userEntityRef?: string }).userEntityRef ?? '';

const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

describe('tenant repair route against the local control plane', () => {
  const logger = new CapturingRootLogger();
  const tenant = uniqueName('repair');
  const namespace = `t-${tenant}`;
  const { tenants, createTenant } = tenantsOver(
    new ConfigReader({ kaas: kaasConfig } as any),
  );
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const rbac = adminKubeConfig().makeApiClient(RbacAuthorizationV1Api);
  const asked: string[] = [];
  let server: Parameters<typeof request>[0];
  let stop: () => Promise<void>;

  const repair = (auth: string, body: object, name = tenant) =>
    request(server)
      .post(`/api/kaas/tenants/${name}/repair`)
      .set('Authorization', auth)
      .send(body);
  const quotaPods = async () =>
    (
      await core.readNamespacedResourceQuota({
        name: 'tenant-quota',
        namespace,
      })
    ).spec?.hard?.pods;
  const ownerBindingExists = () =>
    rbac
      .readNamespacedRoleBinding({ name: 'tenant-owner-admin', namespace })
      .then(
        () => true,
        () => false,
      );
  const raiseQuota = () =>
    core.patchNamespacedResourceQuota(
      {
        name: 'tenant-quota',
        namespace,
        body: { spec: { hard: { pods: '500' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  const drift = async () =>
    (
      await request(server)
        .get(`/api/kaas/tenants/${tenant}`)
        .set('Authorization', as('alice'))
    ).body.drift;
  /** The hand edits as the cluster holds them: quota at 500, owner RoleBinding gone. */
  const handEdited = async () => ({
    pods: await quotaPods(),
    ownerBinding: await ownerBindingExists(),
  });
  const repairEvents = () =>
    logger.auditEvents().filter(e => e.eventId === 'tenant-repair');

  beforeAll(async () => {
    await createTenant(tenant, 'group:default/team-a');
    const backend = await startTestBackend({
      features: [
        kaasPlugin,
        mockServices.rootConfig.factory({ data: { kaas: kaasConfig as any } }),
        createServiceFactory({
          service: coreServices.rootLogger,
          deps: {},
          factory: () => logger,
        }),
        mockServices.userInfo.mock({
          getUserInfo: async credentials => {
            const userEntityRef = userRefOf(credentials);
            return {
              userEntityRef,
              ownershipEntityRefs: [
                userEntityRef,
                ...(GROUPS[userEntityRef] ?? []),
              ],
            };
          },
        }).factory,
        // Carol (team-a) is denied kaas.tenant.create; everything else is allowed.
        mockServices.permissions.mock({
          authorize: async (queries, options) =>
            queries.map(query => {
              asked.push(query.permission.name);
              return {
                result:
                  query.permission.name === 'kaas.tenant.create' &&
                  userRefOf(options!.credentials) === 'user:default/carol'
                    ? AuthorizeResult.DENY
                    : AuthorizeResult.ALLOW,
              };
            }),
        }).factory,
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
    // Hand edits with the admin kubeconfig: the quota raised, a baseline RoleBinding deleted.
    await raiseQuota();
    await rbac.deleteNamespacedRoleBinding({
      name: 'tenant-owner-admin',
      namespace,
    });
  });

  afterAll(async () => {
    await stop?.();
    await tenants.delete(tenant).catch(() => undefined);
  });

  it('shows the hand edits as drift on the tenant status, each object named', async () => {
    // A deleted object counts only once the tenant's creation has settled (15 s).
    const drifted = await waitFor(
      async () => {
        const d = await drift();
        return d?.status === 'True' && d.objects.length >= 2 ? d : undefined;
      },
      {
        timeoutMs: 45_000,
        describe: () => 'the quota and the RoleBinding named as drift',
      },
    );
    expect(drifted.objects).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          object: `ResourceQuota '${namespace}/tenant-quota'`,
          state: 'changed',
          fields: [
            expect.objectContaining({ path: 'spec.hard.pods', live: '"500"' }),
          ],
        }),
        expect.objectContaining({
          object: `RoleBinding '${namespace}/tenant-owner-admin'`,
          state: 'deleted',
        }),
      ]),
    );
    expect(drifted.objects).toHaveLength(2);
  }, 60_000);

  it('refuses other teams, services, callers without the permission and anonymous callers; changes nothing', async () => {
    const bob = await repair(as('bob'), {});
    expect(bob.status).toBe(403);
    expect(bob.body.error.message).toMatch(
      /user:default\/bob is not a member of group:default\/team-a/,
    );
    const service = await repair(mockCredentials.service.header(), {});
    expect(service.status).toBe(403);
    expect(service.body.error.message).toMatch(
      /Service '.+' may not act for group:default\/team-a/,
    );
    const carol = await repair(as('carol'), {});
    expect(carol.status).toBe(403);
    expect(carol.body.error.message).toBe(
      `You are not allowed to repair tenant '${tenant}'`,
    );
    expect(asked).toContain('kaas.tenant.create');
    const anonymous = await repair(mockCredentials.none.header(), {});
    expect(anonymous.status).toBe(401);
    expect(await handEdited()).toEqual({ pods: '500', ownerBinding: false });
    expect(
      repairEvents()
        .filter(e => e.status === 'failed')
        .map(e => e.actor?.actorId),
    ).toEqual(
      expect.arrayContaining(['user:default/bob', 'user:default/carol']),
    );
  });

  it('answers bad input with a 400 and an unknown tenant with a 404', async () => {
    const bad = await repair(as('alice'), { dryRun: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('dryRun must be true or false');
    const unknown = await repair(as('alice'), {}, uniqueName('nope'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/^Tenant '.+' does not exist$/);
    expect(await handEdited()).toEqual({ pods: '500', ownerBinding: false });
  });

  it('lists what a repair would put back in a dry run, and changes nothing', async () => {
    const dry = await repair(as('alice'), { dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ tenant, dryRun: true });
    expect(dry.body.changes).toEqual(
      expect.arrayContaining([
        {
          object: `ResourceQuota '${namespace}/tenant-quota'`,
          path: 'spec.hard.pods',
          from: '"500"',
          to: '"10"',
        },
        {
          object: `RoleBinding '${namespace}/tenant-owner-admin'`,
          path: '',
          to: 'created',
        },
      ]),
    );
    expect(dry.body.changes).toHaveLength(2);
    expect(await handEdited()).toEqual({ pods: '500', ownerBinding: false });
  });

  it('repairs for a member of the owner group: the policy is back on the cluster, a second repair changes nothing, the drift clears; audited', async () => {
    const done = await repair(as('alice'), {});
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ tenant, dryRun: false });
    expect(done.body.changes).toHaveLength(2);
    expect(await handEdited()).toEqual({ pods: '10', ownerBinding: true });

    const again = await repair(as('alice'), {});
    expect(again.status).toBe(200);
    expect(again.body.changes).toEqual([]);

    const cleared = await waitFor(
      async () => {
        const d = await drift();
        return d?.status === 'False' ? d : undefined;
      },
      { timeoutMs: 30_000, describe: () => 'the drift cleared' },
    );
    expect(cleared.objects).toEqual([]);

    const event = repairEvents().find(
      e =>
        e.status === 'succeeded' &&
        e.actor?.actorId === 'user:default/alice' &&
        e.meta.dryRun === false,
    );
    expect(event).toMatchObject({
      severityLevel: 'medium',
      meta: { tenant, dryRun: false, changes: 2 },
    });
  });

  it('repairs for a platform admin', async () => {
    await raiseQuota();
    const done = await repair(as('petra'), {});
    expect(done.status).toBe(200);
    expect(done.body.changes).toEqual([
      {
        object: `ResourceQuota '${namespace}/tenant-quota'`,
        path: 'spec.hard.pods',
        from: '"500"',
        to: '"10"',
      },
    ]);
    expect(await quotaPods()).toBe('10');
  });
});
