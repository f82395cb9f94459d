import http from 'node:http';
import type { AddressInfo } from 'node:net';
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
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import {
  installCrds,
  repoKaasConfigData,
  testCluster,
  uniqueName,
  waitFor,
} from '@internal/kaas-test-cluster';
import catalogModuleKaas from '@kaas-platform/plugin-catalog-backend-module-kaas';
import { InstanceService } from '@kaas-platform/plugin-kaas-node';
import scaffolderModuleKaas from '@kaas-platform/plugin-scaffolder-backend-module-kaas';
import { tenantsOver } from './__testUtils__/tenantsOver';

/** A capability only this test's configuration has. */
const CACHE = {
  title: 'Cache',
  description: 'A key-value cache (a ConfigMap stands in for it)',
  owner: 'group:default/team-b',
  parameters: {
    type: 'object',
    additionalProperties: false,
    properties: {
      memory: { type: 'string', pattern: '^[0-9]+Mi$' },
      evictionPolicy: { type: 'string', enum: ['lru', 'lfu'], default: 'lru' },
    },
    required: ['memory'],
  },
  plans: { small: { title: 'Small', parameters: { memory: '64Mi' } } },
  objects: [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: '${{ instance.name }}' },
      data: {
        memory: '${{ parameters.memory }}',
        policy: '${{ parameters.evictionPolicy }}',
      },
    },
  ],
  readiness: { field: { path: 'data.memory', equals: '64Mi' } },
};

describe('generated templates in a backend with the real catalog and scaffolder (SQLite) and the local control plane', () => {
  it('serves a template and an entity for a capability only in config, dry-runs it, steps aside for an override and follows config changes', async () => {
    const cluster = testCluster();
    const base = repoKaasConfigData(cluster);
    const files = new Map<string, string>();
    const server = http.createServer((req, res) => {
      const body = files.get(req.url ?? '');
      res.writeHead(body ? 200 : 404, { 'Content-Type': 'text/yaml' });
      res.end(body ?? '');
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const filePort = (server.address() as AddressInfo).port;
    const data = (capabilities: Record<string, unknown>) => ({
      ...base,
      kaas: { ...base.kaas, capabilities },
      app: { baseUrl: 'http://localhost:3000' },
      backend: { reading: { allow: [{ host: `127.0.0.1:${filePort}` }] } },
      catalog: { rules: [{ allow: ['Template', 'Location', 'Resource'] }] },
    });
    const config = mockServices.rootConfig({
      data: data({ ...base.kaas.capabilities, cache: CACHE }),
    });
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        scaffolderEntityModel,
        catalogModuleKaas,
        scaffolderPlugin,
        scaffolderModuleKaas,
        createServiceFactory({
          service: coreServices.rootConfig,
          deps: {},
          factory: () => config,
        }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.user('user:default/alice'),
        }),
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () =>
            mockServices.userInfo({
              userEntityRef: 'user:default/alice',
              ownershipEntityRefs: [
                'user:default/alice',
                'group:default/team-a',
              ],
            }),
        }),
      ],
    });
    const arrange = tenantsOver(new ConfigReader(base));
    const tenant = uniqueName('gen');
    try {
      const { port } = backend.server.address() as AddressInfo;
      const api = `http://127.0.0.1:${port}/api`;
      const entity = async (ref: string) => {
        const res = await fetch(`${api}/catalog/entities/by-name/${ref}`);
        return res.status === 200 ? res.json() : undefined;
      };
      const served = (ref: string, what = 'served') =>
        waitFor(() => entity(ref), {
          timeoutMs: 60_000,
          describe: () => `${ref} not ${what} by the catalog`,
        });
      const gone = (ref: string) =>
        waitFor(async () => ((await entity(ref)) ? undefined : true), {
          timeoutMs: 60_000,
          describe: () => `${ref} still in the catalog`,
        });

      // The capability's template and entity, from configuration alone.
      const template = await served('template/default/xaas-cache');
      expect(template.metadata.title).toBe('Request Cache');
      expect(template.spec.owner).toBe('group:default/team-b');
      expect(template.relations).toContainEqual({
        type: 'ownedBy',
        targetRef: 'group:default/team-b',
      });
      const capability = await served('resource/default/xaas-capability-cache');
      expect(capability.spec).toMatchObject({
        type: 'xaas-capability',
        owner: 'group:default/team-b',
      });
      await served('template/default/kubernetes-tenant-namespace');

      // The scaffolder's own validation of the template and its values, then a dry run
      // of its steps, as the template editor does it.
      await arrange.createTeamATenant(tenant);
      const dryRunOf =
        ({ apiVersion, kind, metadata, spec }: any) =>
        async (values: Record<string, unknown>) =>
          fetch(`${api}/scaffolder/v2/dry-run`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({
              template: { apiVersion, kind, metadata, spec },
              values,
              secrets: {},
              directoryContents: [],
            }),
          });
      const dryRun = dryRunOf(template);
      const refused = await dryRun({
        tenant,
        name: 'c1',
        plan: 'small',
        settings: { memory: 'lots' },
      });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(await refused.json())).toMatch(/pattern/);
      const res = await dryRun({
        tenant,
        name: 'c1',
        plan: 'small',
        settings: { evictionPolicy: 'lfu' },
      });
      const body = await res.json();
      expect({ status: res.status, body }).toMatchObject({ status: 200 });
      const create = body.steps.find((s: any) => s.id === 'create');
      expect(create).toBeDefined();
      expect(body.output).toBeDefined();
      const log = JSON.stringify(body.log);
      expect(log).not.toMatch(/"status":"failed"/);
      expect(log).toContain('ConfigMap');

      // An operation's generated template: typed parameters checked by the scaffolder,
      // then a dry run of xaas:instance:operate against a PostgreSQL instance.
      await installCrds(
        cluster,
        ['cloudnative-pg'],
        [
          { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' },
          { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Backup' },
        ],
      );
      const instances = InstanceService.fromConfig(new ConfigReader(base), {
        clusters: arrange.clusters,
        tenants: arrange.tenants,
      });
      await instances.create(
        instances.validate({
          tenant,
          capability: 'postgresql',
          name: 'db',
          plan: 'small',
        }),
      );
      const backup = await served('template/default/xaas-postgresql-op-backup');
      expect(backup.metadata.title).toBe('Back up now (PostgreSQL)');
      const backupRun = dryRunOf(backup);
      const badMethod = await backupRun({
        tenant,
        name: 'db',
        settings: { method: 'tape' },
      });
      expect(badMethod.status).toBe(400);
      expect(JSON.stringify(await badMethod.json())).toMatch(/enum/);
      const ran = await backupRun({
        tenant,
        name: 'db',
        settings: { method: 'volumeSnapshot' },
      });
      const ranBody = await ran.json();
      expect({ status: ran.status, body: ranBody }).toMatchObject({
        status: 200,
      });
      const ranLog = JSON.stringify(ranBody.log);
      expect(ranLog).not.toMatch(/"status":"failed"/);
      expect(ranLog).toContain('Backup');

      // A hand-written template naming the capability replaces the generated one.
      files.set(
        '/cache.yaml',
        JSON.stringify({
          apiVersion: 'scaffolder.backstage.io/v1beta3',
          kind: 'Template',
          metadata: {
            name: 'xaas-cache',
            title: 'Request a cache, the platform way',
            annotations: { 'kaas.internal/capability': 'cache' },
          },
          spec: {
            owner: 'group:default/team-b',
            type: 'xaas-cache',
            steps: [],
          },
        }),
      );
      const registered = await fetch(`${api}/catalog/locations`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          type: 'url',
          target: `http://127.0.0.1:${filePort}/cache.yaml`,
        }),
      });
      expect(registered.status).toBe(201);
      await waitFor(
        async () =>
          (await entity('template/default/xaas-cache'))?.metadata.title ===
          'Request a cache, the platform way'
            ? true
            : undefined,
        {
          timeoutMs: 90_000,
          describe: () =>
            'the hand-written xaas-cache did not replace the generated one',
        },
      );

      // A capability removed from configuration takes its template and entity along.
      config.update({
        data: data({
          postgresql: base.kaas.capabilities.postgresql,
        }),
      });
      await gone('template/default/xaas-kafka');
      await gone('resource/default/xaas-capability-kafka');
      await served('template/default/xaas-postgresql');
      // ... and an operation removed takes its template along.
      const { backup: _backup, ...otherOperations } =
        base.kaas.capabilities.postgresql.operations;
      config.update({
        data: data({
          postgresql: {
            ...base.kaas.capabilities.postgresql,
            operations: otherOperations,
          },
        }),
      });
      await gone('template/default/xaas-postgresql-op-backup');
      await served('template/default/xaas-postgresql-op-backup-schedule');
      // An invalid configuration changes nothing.
      config.update({
        data: data({
          postgresql: { ...base.kaas.capabilities.postgresql, plans: 'none' },
        }),
      });
      await new Promise(r => setTimeout(r, 2000));
      expect(await entity('template/default/xaas-postgresql')).toBeDefined();
    } finally {
      await backend.stop();
      server.close();
      await arrange.tenants.delete(tenant).catch(() => undefined);
    }
  }, 240_000);
});
