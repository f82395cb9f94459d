import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { testCluster, untitledClusterEntry } from '@internal/kaas-test-cluster';
import request from 'supertest';
import {
  cacheCapability,
  smallTenantProfile,
} from '../__testUtils__/credentialRoutesBackend';
import { kaasPlugin } from '../plugin';

const kaasConfig = {
  clusters: [untitledClusterEntry(testCluster())],
  platformAdmins: ['group:default/platform-team'],
  tenantProfiles: { small: smallTenantProfile() },
  capabilities: {
    cache: {
      ...cacheCapability(),
      operator: {
        name: 'Redis',
        deployment: { namespace: 'cache-system', name: 'cache-operator' },
      },
    },
  },
};

// Petra is a platform admin; Bob is not (as the sign-in resolver would say).
const userInfo = mockServices.userInfo.mock({
  getUserInfo: async credentials => {
    const userEntityRef = (credentials.principal as { userEntityRef: string })
      .userEntityRef;
    return {
      userEntityRef,
      ownershipEntityRefs:
        userEntityRef === 'user:default/petra'
          ? [userEntityRef, 'group:default/platform-team']
          : [userEntityRef, 'group:default/team-b'],
    };
  },
});

describe('operator health route against the local control plane', () => {
  const asked: string[] = [];
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        kaasPlugin,
        mockServices.rootConfig.factory({ data: { kaas: kaasConfig } }),
        userInfo.factory,
        mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(r => {
              asked.push(r.permission.name);
              return { result: AuthorizeResult.ALLOW };
            }),
        }).factory,
      ],
    });
  });

  afterAll(() => backend.stop());

  it('lists each capability on each cluster for a platform admin, asking the permission framework', async () => {
    const res = await request(backend.server)
      .get('/api/kaas/operator-health')
      .set('Authorization', mockCredentials.user.header('user:default/petra'));
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        capability: 'cache',
        title: 'Cache',
        owner: 'group:default/platform-team',
        operator: 'Redis',
        cluster: 'local',
        deployment: { present: false },
        kinds: [],
        problems: [
          "Redis operator Deployment (cache-system/cache-operator) is not on cluster 'local'",
        ],
      },
    ]);
    expect(asked).toContain('kaas.operator.health.read');
  });

  it('refuses a user who is not a platform admin', async () => {
    const res = await request(backend.server)
      .get('/api/kaas/operator-health')
      .set('Authorization', mockCredentials.user.header('user:default/bob'));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      "Only platform admins (group:default/platform-team) may see the operators' health",
    );
  });
});
