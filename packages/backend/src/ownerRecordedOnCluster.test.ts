import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import {
  type BackstageBackend,
  demoUserToken,
  repoKaasConfigData,
  startPlatformBackend,
  testCluster,
  uniqueName,
  waitFor,
} from '@internal/kaas-test-cluster';
import { tenantsOver } from './__testUtils__/tenantsOver';

/**
 * Kubeconfigs are decided on the owner recorded on the cluster, in the real backend
 * process (permission backend with the kaas policy, catalog with the kaas provider and
 * its location guard, demo sign-in): not on whatever catalog entity carries the
 * tenant's name, and not only once the catalog has caught up.
 */
describe('owner-only routes decide on the owner the cluster records (real backend)', () => {
  const cluster = testCluster();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-owner-test-'));
  const files = new Map<string, string>();
  const fileServer = http.createServer((req, res) => {
    const body = files.get(req.url ?? '');
    res.writeHead(body ? 200 : 404, { 'Content-Type': 'text/yaml' });
    res.end(body ?? '');
  });
  // The same policy the backend process reads (app-config.yaml).
  const config = new ConfigReader(repoKaasConfigData(cluster));
  const { tenants, createTeamATenant } = tenantsOver(config);
  let backend: BackstageBackend;
  let filePort: number;
  let alice: string;
  let bob: string;
  const created: string[] = [];

  const kubeconfig = (tenant: string, token: string) =>
    fetch(`${backend.baseUrl}/api/kaas/tenants/${tenant}/kubeconfig`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ mode: 'token', ttlSeconds: 600 }),
    });
  const createTenant = async (name: string) => {
    created.push(name);
    await createTeamATenant(name);
  };

  beforeAll(async () => {
    await new Promise<void>(r => fileServer.listen(0, '127.0.0.1', r));
    filePort = (fileServer.address() as AddressInfo).port;
    backend = await startPlatformBackend({
      cluster,
      dir,
      config: {
        backend: {
          reading: { allow: [{ host: `127.0.0.1:${filePort}` }] },
        },
      },
    });
    alice = await demoUserToken(backend, 'alice');
    bob = await demoUserToken(backend, 'bob');
  });

  afterAll(async () => {
    await backend?.stop();
    fileServer.close();
    await Promise.all(
      created.map(name => tenants.delete(name).catch(() => undefined)),
    );
  });

  it('gives the owner a kubeconfig the moment the tenant exists, before the catalog has it', async () => {
    const name = uniqueName('fresh');
    await createTenant(name);
    const res = await kubeconfig(name, alice);
    expect(res.status).toBe(200);
    expect((await res.json()).tenant).toBe(name);
    const refused = await kubeconfig(name, bob);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.message).toMatch(
      /Only members of group:default\/team-a and platform admins/,
    );

    // What the tenant page asks (usePermission with the tenant as resourceRef): the
    // permission backend resolves the conditional decision through the kaas plugin.
    const decide = async (token: string, resourceRef: string) => {
      const answer = await fetch(
        `${backend.baseUrl}/api/permission/authorize`,
        {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({
            items: [
              {
                id: '1',
                permission: {
                  type: 'resource',
                  name: 'kaas.tenant.kubeconfig.create',
                  attributes: { action: 'create' },
                  resourceType: 'kaas-tenant',
                },
                resourceRef,
              },
            ],
          }),
        },
      );
      expect(answer.status).toBe(200);
      return (await answer.json()).items[0].result;
    };
    expect(await decide(alice, name)).toBe('ALLOW');
    expect(await decide(bob, name)).toBe('DENY');
    expect(await decide(alice, `resource:default/${name}`)).toBe('DENY');
  });

  it("refuses bob alice's kubeconfig although he registered a location claiming her tenant's entity before it existed", async () => {
    const name = uniqueName('claimed');
    files.set(
      '/claim.yaml',
      [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Resource',
          metadata: { name },
          spec: { type: 'kubernetes-tenant', owner: 'group:default/team-b' },
        },
      ]
        .map(e => JSON.stringify(e))
        .join('\n---\n'),
    );
    const registered = await fetch(`${backend.baseUrl}/api/catalog/locations`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${bob}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        type: 'url',
        target: `http://127.0.0.1:${filePort}/claim.yaml`,
      }),
    });
    expect(registered.status).toBe(201);
    const entity = (entityName: string) =>
      fetch(
        `${backend.baseUrl}/api/catalog/entities/by-name/resource/default/${entityName}`,
        { headers: { Authorization: `Bearer ${bob}` } },
      );
    // The catalog read the location and refused the claim (a processing error it logs).
    await waitFor(
      async () =>
        backend
          .output()
          .includes(`Resource '${name}' of type 'kubernetes-tenant'`)
          ? true
          : undefined,
      {
        timeoutMs: 60_000,
        describe: () => `the catalog's refusal of resource:default/${name}`,
      },
    );
    expect((await entity(name)).status).toBe(404);

    await createTenant(name);
    const stolen = await kubeconfig(name, bob);
    expect(stolen.status).toBe(403);
    expect((await kubeconfig(name, alice)).status).toBe(200);
    const owned = await waitFor(
      async () => {
        const res = await entity(name);
        return res.status === 200 ? res.json() : undefined;
      },
      {
        timeoutMs: 60_000,
        describe: () => `resource:default/${name} from the provider`,
      },
    );
    expect(owned.spec).toEqual({
      type: 'kubernetes-tenant',
      owner: 'group:default/team-a',
    });
  }, 150_000);
});
