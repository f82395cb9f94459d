import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ClusterRegistry,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import {
  buildLocalCluster,
  localClusterEntry,
  startLocalCluster,
  testCluster,
  uniqueName,
  type ClusterAccess,
} from '@internal/kaas-test-cluster';
import request from 'supertest';
import { kaasPlugin } from '../plugin';

const profiles = {
  small: {
    title: 'Small',
    quota: { hard: { pods: '10' } },
    limitRange: { default: { cpu: '500m' }, defaultRequest: { cpu: '100m' } },
    podSecurity: 'restricted',
    networkPolicy: 'none',
  },
};

const kaasOn = (clusters: Array<ReturnType<typeof localClusterEntry>>) => ({
  clusters,
  tenantProfiles: profiles,
});

function tenantsOn(entry: ReturnType<typeof localClusterEntry>) {
  const config = new ConfigReader({ kaas: kaasOn([entry]) } as any);
  return TenantService.fromConfig(config, {
    clusters: ClusterRegistry.fromConfig(config),
  });
}

describe('tenant status routes with one of two control planes stopped (real inventory, in-process backend)', () => {
  const alice = mockCredentials.user.header('user:default/alice');
  const first = localClusterEntry(testCluster(), 'local');
  const healthy = uniqueName('up');
  const stranded = uniqueName('down');
  let dataDir: string;
  let second: ClusterAccess;

  beforeAll(async () => {
    await buildLocalCluster();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-route-two-'));
    const running = await startLocalCluster({ dataDir });
    second = running;
    const onSecond = tenantsOn({
      ...localClusterEntry(second, 'second'),
      roles: ['tenants'],
    });
    await onSecond.create(
      onSecond.validate({
        name: stranded,
        owner: 'team-a',
        isolation: 'namespace',
        profile: 'small',
      }),
    );
    await running.stop();
    const onFirst = tenantsOn(first);
    await onFirst.create(
      onFirst.validate({
        name: healthy,
        owner: 'team-a',
        isolation: 'namespace',
        profile: 'small',
      }),
    );
  }, 240_000);

  afterAll(async () => {
    await tenantsOn(first).delete(healthy);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers for a tenant of the healthy cluster, and 503 naming the other for one it cannot find', async () => {
    const { server } = await startTestBackend({
      features: [
        kaasPlugin,
        mockServices.rootConfig.factory({
          data: {
            kaas: kaasOn([
              first,
              { ...localClusterEntry(second, 'second'), roles: ['tenants'] },
            ]),
          },
        }),
        mockServices.userInfo.mock({
          getUserInfo: async () => ({
            userEntityRef: 'user:default/alice',
            ownershipEntityRefs: ['user:default/alice', 'group:default/team-a'],
          }),
        }).factory,
        mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(() => ({ result: AuthorizeResult.ALLOW })),
        }).factory,
      ],
    });

    const started = Date.now();
    const status = await request(server)
      .get(`/api/kaas/tenants/${healthy}`)
      .set('Authorization', alice);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      name: healthy,
      cluster: 'local',
      owner: 'group:default/team-a',
      eventsHidden: false,
    });
    // The stopped cluster refuses connections: nothing waits for a timeout.
    expect(Date.now() - started).toBeLessThan(15_000);

    const elsewhere = await request(server)
      .get(`/api/kaas/tenants/${stranded}`)
      .set('Authorization', alice);
    expect(elsewhere.status).toBe(503);
    expect(elsewhere.body.error.message).toBe(
      `Tenant '${stranded}' is not on any cluster that can be read now; cluster(s) 'second' cannot be read, and it may be there. Try again later.`,
    );

    const list = await request(server)
      .get('/api/kaas/tenants')
      .set('Authorization', alice);
    expect(list.status).toBe(200);
    expect(list.body.items.map((t: { name: string }) => t.name)).toContain(
      healthy,
    );
  }, 120_000);
});
