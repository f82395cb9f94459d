import type { AddressInfo } from 'node:net';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { uniqueName, waitFor } from '@internal/kaas-test-cluster';
import { ClusterRegistry, TenantService } from '@internal/plugin-kaas-node';
import {
  kaasConfig,
  kaasConfigData,
  sharedCluster,
} from './__testUtils__/providerTestEnvironment';
import { catalogModuleKaas } from './module';

describe('catalogModuleKaas in a backend with the real catalog plugin (SQLite) and the local control plane', () => {
  it('makes a new tenant an entity the catalog API serves, and removes it once the tenant is gone', async () => {
    const cluster = sharedCluster();
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleKaas,
        mockServices.rootConfig.factory({
          data: {
            ...kaasConfigData(cluster),
            app: { baseUrl: 'http://localhost:3000' },
          },
        }),
      ],
    });
    const config = kaasConfig(cluster);
    const tenants = TenantService.fromConfig(config, {
      clusters: ClusterRegistry.fromConfig(config),
    });
    try {
      const { port } = backend.server.address() as AddressInfo;
      const byName = (name: string) =>
        fetch(
          `http://127.0.0.1:${port}/api/catalog/entities/by-name/resource/default/${name}`,
        );
      const name = uniqueName('module');
      await tenants.create(
        tenants.validate({
          name,
          owner: 'team-a',
          isolation: 'namespace',
          profile: 'small',
        }),
      );
      const entity = await waitFor(
        async () => {
          const res = await byName(name);
          return res.status === 200 ? res.json() : undefined;
        },
        {
          timeoutMs: 30_000,
          describe: () => `resource:default/${name} not served by the catalog`,
        },
      );
      expect(entity.spec).toEqual({
        type: 'kubernetes-tenant',
        owner: 'group:default/team-a',
      });
      expect(entity.relations).toContainEqual({
        type: 'ownedBy',
        targetRef: 'group:default/team-a',
      });

      await tenants.delete(name);
      await waitFor(
        async () => ((await byName(name)).status === 404 ? true : undefined),
        {
          timeoutMs: 90_000,
          describe: () => `resource:default/${name} still in the catalog`,
        },
      );
    } finally {
      await backend.stop();
    }
  }, 150_000);
});
