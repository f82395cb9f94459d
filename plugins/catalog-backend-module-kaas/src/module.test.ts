import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { uniqueName, waitFor } from '@internal/kaas-test-cluster';
import {
  kaasConfig,
  kaasConfigData,
  sharedCluster,
  teamATenant,
  tenantsOver,
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
    const tenants = tenantsOver(kaasConfig(cluster));
    try {
      const { port } = backend.server.address() as AddressInfo;
      const byName = (name: string) =>
        fetch(
          `http://127.0.0.1:${port}/api/catalog/entities/by-name/resource/default/${name}`,
        );
      const name = uniqueName('module');
      await tenants.create(teamATenant(tenants, name));
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

  it('refuses kubernetes-tenant and xaas-* Resources, and tenant names, from a location a user registers', async () => {
    const cluster = sharedCluster();
    const name = uniqueName('guarded');
    const forged = uniqueName('forged');
    const harmless = uniqueName('harmless');
    const files = new Map<string, string>();
    const server = http.createServer((req, res) => {
      const body = files.get(req.url ?? '');
      res.writeHead(body ? 200 : 404, { 'Content-Type': 'text/yaml' });
      res.end(body ?? '');
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const filePort = (server.address() as AddressInfo).port;
    const processingErrors: string[] = [];
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleKaas,
        createBackendModule({
          pluginId: 'catalog',
          moduleId: 'test-processing-errors',
          register(reg) {
            reg.registerInit({
              deps: { catalog: catalogProcessingExtensionPoint },
              async init({ catalog }) {
                catalog.setOnProcessingErrorHandler(({ errors }) => {
                  processingErrors.push(...errors.map(e => e.message));
                });
              },
            });
          },
        }),
        mockServices.rootConfig.factory({
          data: {
            ...kaasConfigData(cluster),
            app: { baseUrl: 'http://localhost:3000' },
            backend: {
              reading: { allow: [{ host: `127.0.0.1:${filePort}` }] },
            },
            catalog: {
              rules: [{ allow: ['Component', 'Resource', 'Location'] }],
            },
          },
        }),
      ],
    });
    const tenants = tenantsOver(kaasConfig(cluster));
    try {
      const { port } = backend.server.address() as AddressInfo;
      const catalogApi = `http://127.0.0.1:${port}/api/catalog`;
      const entity = async (kind: string, entityName: string) => {
        const res = await fetch(
          `${catalogApi}/entities/by-name/${kind}/default/${entityName}`,
        );
        return res.status === 200 ? res.json() : undefined;
      };
      const register = async (file: string, entities: object[]) => {
        files.set(file, entities.map(e => JSON.stringify(e)).join('\n---\n'));
        const res = await fetch(`${catalogApi}/locations`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            type: 'url',
            target: `http://127.0.0.1:${filePort}${file}`,
          }),
        });
        expect(res.status).toBe(201);
      };
      const resource = (entityName: string, type: string) => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: { name: entityName },
        spec: { type, owner: 'group:default/team-b' },
      });
      await tenants.create(teamATenant(tenants, name));
      await waitFor(() => entity('resource', name), {
        timeoutMs: 30_000,
        describe: () => `resource:default/${name} not served by the catalog`,
      });

      await register('/forged-tenant.yaml', [
        resource(forged, 'kubernetes-tenant'),
      ]);
      await register('/forged-instance.yaml', [
        resource(`${forged}.db`, 'xaas-postgresql'),
      ]);
      await register('/tenant-name.yaml', [resource(name, 'database')]);
      await register('/harmless.yaml', [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: harmless },
          spec: {
            type: 'service',
            lifecycle: 'production',
            owner: 'group:default/team-b',
          },
        },
      ]);

      // The catalog reads each location; the refusals are its processing errors.
      await waitFor(
        async () =>
          processingErrors.filter(m => m.includes('is refused')).length >= 3
            ? true
            : undefined,
        {
          timeoutMs: 60_000,
          describe: () =>
            `three refusals among the processing errors: ${processingErrors.join(
              ' | ',
            )}`,
        },
      );
      expect(processingErrors).toEqual(
        expect.arrayContaining([
          expect.stringContaining(
            `Resource '${forged}' of type 'kubernetes-tenant' in url:http://127.0.0.1:${filePort}/forged-tenant.yaml is refused`,
          ),
          expect.stringContaining(
            `Resource '${forged}.db' of type 'xaas-postgresql'`,
          ),
          expect.stringContaining(
            `resource:default/${name} is a tenant or XaaS instance of the platform`,
          ),
        ]),
      );
      await waitFor(() => entity('component', harmless), {
        timeoutMs: 60_000,
        describe: () => `component:default/${harmless} not served`,
      });
      expect(await entity('resource', forged)).toBeUndefined();
      expect(await entity('resource', `${forged}.db`)).toBeUndefined();
      const tenant = await entity('resource', name);
      expect(tenant.spec).toEqual({
        type: 'kubernetes-tenant',
        owner: 'group:default/team-a',
      });
    } finally {
      await backend.stop();
      server.close();
      await tenants.delete(name).catch(() => undefined);
    }
  }, 150_000);
});
