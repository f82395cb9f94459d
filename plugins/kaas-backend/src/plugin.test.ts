import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  testCluster,
  uniqueName,
  untitledClusterEntry,
} from '@internal/kaas-test-cluster';
import request from 'supertest';
import {
  cacheCapability,
  smallTenantProfile,
  tenantsOver,
} from './__testUtils__/credentialRoutesBackend';
import { kaasPlugin } from './plugin';

const kaasConfig = {
  capabilities: {
    cache: {
      ...cacheCapability(),
      description: 'A key-value cache',
      // Not on the test cluster: the list says so.
      operator: {
        name: 'Cache',
        deployment: { namespace: 'cache-system', name: 'cache-operator' },
      },
      parameters: {
        type: 'object',
        additionalProperties: false,
        properties: { size: { type: 'string', pattern: '^[0-9]+Gi$' } },
        required: ['size'],
      },
    },
  },
  clusters: [untitledClusterEntry(testCluster())],
  tenantProfiles: {
    small: { ...smallTenantProfile(), description: 'For trying things out' },
  },
};

// Alice's token says she belongs to team-a, as the sign-in resolver puts it there.
const userInfo = mockServices.userInfo.mock({
  getUserInfo: async credentials => ({
    userEntityRef: (credentials.principal as { userEntityRef: string })
      .userEntityRef,
    ownershipEntityRefs:
      (credentials.principal as { userEntityRef: string }).userEntityRef ===
      'user:default/alice'
        ? ['user:default/alice', 'group:default/team-a']
        : ['user:default/bob', 'group:default/team-b'],
  }),
});

async function startKaas(allow = true) {
  return startTestBackend({
    features: [
      kaasPlugin,
      mockServices.rootConfig.factory({ data: { kaas: kaasConfig } }),
      userInfo.factory,
      mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(() => ({
            result: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
          })),
      }).factory,
    ],
  });
}

describe('kaas backend routes against the local control plane', () => {
  const alice = mockCredentials.user.header('user:default/alice');
  const tenantA = uniqueName('route-a');
  const tenantB = uniqueName('route-b');

  beforeAll(async () => {
    const { createTenant } = tenantsOver(
      new ConfigReader({ kaas: kaasConfig } as any),
    );
    await createTenant(tenantA, 'group:default/team-a');
    await createTenant(tenantB, 'group:default/team-b');
  });

  it('lists clusters and profiles, never credentials', async () => {
    const { server } = await startKaas();
    const clusters = await request(server)
      .get('/api/kaas/clusters')
      .set('Authorization', alice);
    expect(clusters.status).toBe(200);
    expect(clusters.body).toEqual({
      items: [
        {
          name: 'local',
          title: 'local',
          roles: ['tenants', 'management', 'xaas'],
        },
      ],
    });
    expect(JSON.stringify(clusters.body)).not.toMatch(/token|caFile|BEGIN/);

    const profiles = await request(server)
      .get('/api/kaas/profiles')
      .set('Authorization', alice);
    expect(profiles.body).toEqual({
      items: [
        {
          name: 'small',
          title: 'Small',
          description: 'For trying things out',
          isolations: ['namespace', 'vcluster'],
          quota: { pods: '10' },
        },
      ],
    });
  });

  it("lists the tenants of the caller's groups, or of one owner", async () => {
    const { server } = await startKaas();
    const mine = await request(server)
      .get('/api/kaas/tenants?mine=true')
      .set('Authorization', alice);
    expect(mine.status).toBe(200);
    const names = mine.body.items.map((t: { name: string }) => t.name);
    expect(names).toContain(tenantA);
    expect(names).not.toContain(tenantB);
    expect(
      mine.body.items.find((t: { name: string }) => t.name === tenantA),
    ).toMatchObject({
      namespace: `t-${tenantA}`,
      cluster: 'local',
      isolation: 'namespace',
      owner: 'group:default/team-a',
      profile: 'small',
    });

    const ofTeamB = await request(server)
      .get('/api/kaas/tenants?owner=team-b')
      .set('Authorization', alice);
    expect(ofTeamB.body.items.map((t: { name: string }) => t.name)).toContain(
      tenantB,
    );
    expect(
      ofTeamB.body.items.map((t: { name: string }) => t.name),
    ).not.toContain(tenantA);

    const bad = await request(server)
      .get('/api/kaas/tenants?owner=user:default/alice')
      .set('Authorization', alice);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/'owner' must be one group ref/);
  });

  it("lists the capabilities with plans and parameter schemas, not their object templates, and what stops new instances (the operator's Deployment missing)", async () => {
    const { server } = await startKaas();
    const res = await request(server)
      .get('/api/kaas/capabilities')
      .set('Authorization', alice);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        id: 'cache',
        title: 'Cache',
        description: 'A key-value cache',
        owner: 'group:default/platform-team',
        parameters: kaasConfig.capabilities.cache.parameters,
        plans: [{ name: 'small', title: 'Small', parameters: { size: '1Gi' } }],
        operatorProblems: [
          "Cache operator Deployment (cache-system/cache-operator) is not on cluster 'local'; the capability is run by group:default/platform-team",
        ],
      },
    ]);
    expect(JSON.stringify(res.body)).not.toContain('ConfigMap');
  });

  it('refuses the unauthenticated and those the permission policy denies', async () => {
    const { server } = await startKaas(false);
    for (const path of [
      '/api/kaas/clusters',
      '/api/kaas/profiles',
      '/api/kaas/tenants',
    ]) {
      // The real backend answers 401 before the route (see packages/backend's test);
      // the test backend lets the request reach the route, which refuses it too.
      const anonymous = await request(server).get(path);
      expect([401, 403]).toContain(anonymous.status);
      expect(anonymous.body.items).toBeUndefined();
      const denied = await request(server)
        .get(path)
        .set('Authorization', alice);
      expect(denied.status).toBe(403);
    }
  });

  it("serves a tenant's live status and instances from the inventory", async () => {
    const { server } = await startKaas();
    const status = await request(server)
      .get(`/api/kaas/tenants/${tenantA}`)
      .set('Authorization', alice);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      name: tenantA,
      namespace: `t-${tenantA}`,
      entityRef: `resource:default/${tenantA}`,
      owner: 'group:default/team-a',
      isolation: 'namespace',
      kubeconfigModes: ['token'],
    });
    expect(status.body.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'NamespaceActive', status: 'True' }),
      ]),
    );
    const pods = status.body.quotas
      .flatMap((q: { resources: Array<{ resource: string }> }) => q.resources)
      .find((r: { resource: string }) => r.resource === 'pods');
    expect(pods).toMatchObject({ hard: '10' });

    const instances = await request(server)
      .get(`/api/kaas/tenants/${tenantA}/instances`)
      .set('Authorization', alice);
    expect(instances.body).toEqual({ items: [] });

    const missing = await request(server)
      .get('/api/kaas/tenants/no-such-tenant')
      .set('Authorization', alice);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      "Tenant 'no-such-tenant' does not exist",
    );

    const bad = await request(server)
      .get('/api/kaas/tenants/Not_A_Name')
      .set('Authorization', alice);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/'tenant' must be lower case/);

    const denied = await startKaas(false);
    const refused = await request(denied.server)
      .get(`/api/kaas/tenants/${tenantA}`)
      .set('Authorization', alice);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      `You are not allowed to read tenant '${tenantA}'`,
    );
  });
});
