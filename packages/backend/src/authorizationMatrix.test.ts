import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { ConfigReader } from '@backstage/config';
import { InstanceService } from '@kaas-platform/plugin-kaas-node';
import {
  adminKubeConfig,
  type BackstageBackend,
  demoUserToken,
  localClusterEntry,
  startPlatformBackend,
  testCluster,
  uniqueName,
  waitFor,
} from '@internal/kaas-test-cluster';
import { tenantsOver } from './__testUtils__/tenantsOver';

/**
 * Every /api/kaas route against the real backend process (packages/backend: permission
 * backend with the kaas policy, catalog with the kaas entity provider, demo sign-in),
 * for the owner, another team, a platform admin, a service, nobody, and the holder of a
 * kubeconfig the owner downloaded.
 */

type Caller =
  | 'owner'
  | 'otherTeam'
  | 'platformAdmin'
  | 'service'
  | 'nobody'
  | 'kubeconfigHolder';
const CALLERS: Caller[] = [
  'owner',
  'otherTeam',
  'platformAdmin',
  'service',
  'nobody',
  // The ServiceAccount token of a kubeconfig the owner downloaded: a cluster
  // credential, never a Backstage one.
  'kubeconfigHolder',
];

const cluster = testCluster();
const tenant = uniqueName('authz');
const instance = 'cache1';
const serviceToken = crypto.randomBytes(24).toString('base64url');
const secretValue = crypto.randomBytes(12).toString('hex');
const eventMessage = `pulled image registry.internal/${crypto
  .randomBytes(6)
  .toString('hex')}`;

const capabilityConfig = {
  title: 'Cache',
  description: 'A key-value cache',
  owner: 'group:default/platform-team',
  parameters: {
    type: 'object',
    additionalProperties: false,
    properties: { size: { type: 'string' } },
  },
  plans: { small: { title: 'Small', parameters: { size: '1Gi' } } },
  objects: [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: '${{ instance.name }}' },
      data: { size: '${{ parameters.size }}' },
    },
  ],
  readiness: { field: { path: 'data.size', equals: '1Gi' } },
  connection: {
    secretName: '${{ instance.name }}-app',
    service: '${{ instance.name }}-rw',
    port: 6379,
    showKeys: ['username'],
  },
};

const clusters = [localClusterEntry(cluster)];

/** Expected status per caller: reads are open to signed-in users and services. */
const READ: Record<Caller, number> = {
  owner: 200,
  otherTeam: 200,
  platformAdmin: 200,
  service: 200,
  nobody: 401,
  kubeconfigHolder: 401,
};
/** Kubeconfigs and credentials: the owner group's members and platform admins only. */
const OWNER_ONLY: Record<Caller, number> = {
  owner: 200,
  otherTeam: 403,
  platformAdmin: 200,
  service: 403,
  nobody: 401,
  kubeconfigHolder: 401,
};

const ROUTES: Array<{
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  expected: Record<Caller, number>;
}> = [
  { method: 'GET', path: '/clusters', expected: READ },
  { method: 'GET', path: '/profiles', expected: READ },
  { method: 'GET', path: '/capabilities', expected: READ },
  { method: 'GET', path: '/kubeconfig-options', expected: READ },
  { method: 'GET', path: '/tenants', expected: READ },
  { method: 'GET', path: `/tenants/${tenant}`, expected: READ },
  { method: 'GET', path: `/tenants/${tenant}/instances`, expected: READ },
  {
    method: 'GET',
    path: `/tenants/${tenant}/instances/${instance}`,
    expected: READ,
  },
  // Connection details are the owner group's (kaas.visibility.connectionDetails).
  {
    method: 'GET',
    path: `/tenants/${tenant}/instances/${instance}/connection`,
    expected: OWNER_ONLY,
  },
  {
    method: 'POST',
    path: `/tenants/${tenant}/instances/${instance}/credentials`,
    expected: OWNER_ONLY,
  },
  {
    method: 'POST',
    path: `/tenants/${tenant}/kubeconfig`,
    body: { mode: 'token', ttlSeconds: 600 },
    expected: OWNER_ONLY,
  },
  {
    method: 'GET',
    path: `/tenants/${tenant}/kubeconfigs`,
    expected: OWNER_ONLY,
  },
  {
    method: 'DELETE',
    path: `/tenants/${tenant}/kubeconfigs`,
    expected: OWNER_ONLY,
  },
];

describe('authorisation of every /api/kaas route in the real backend', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-authz-test-'));
  let backend: BackstageBackend;
  const tokens: Partial<Record<Caller, string>> = { service: serviceToken };

  beforeAll(async () => {
    const kaas = {
      clusters,
      capabilities: { cache: capabilityConfig },
    };
    const config = new ConfigReader({
      kaas: {
        ...kaas,
        tenantProfiles: {
          small: {
            title: 'Small',
            quota: { hard: { pods: '10' } },
            limitRange: {
              default: { cpu: '500m' },
              defaultRequest: { cpu: '100m' },
            },
            podSecurity: 'restricted',
            networkPolicy: 'none',
          },
        },
      },
    } as any);
    const {
      clusters: registry,
      tenants,
      createTeamATenant,
    } = tenantsOver(config);
    await createTeamATenant(tenant);
    const instances = InstanceService.fromConfig(config, {
      clusters: registry,
      tenants,
    });
    await instances.create(
      instances.validate({
        tenant,
        capability: 'cache',
        name: instance,
        plan: 'small',
      }),
    );
    // The operator's connection Secret.
    await adminKubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespacedSecret({
        namespace: `t-${tenant}`,
        body: {
          metadata: { name: `${instance}-app` },
          stringData: { username: 'app', password: secretValue },
        },
      });
    // An event in the tenant's namespace (its status shows it to the owner group).
    const now = new Date();
    await adminKubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespacedEvent({
        namespace: `t-${tenant}`,
        body: {
          metadata: { name: `${instance}.authz` },
          involvedObject: {
            kind: 'ConfigMap',
            name: instance,
            namespace: `t-${tenant}`,
          },
          reason: 'Pulled',
          message: eventMessage,
          type: 'Normal',
          count: 1,
          firstTimestamp: now,
          lastTimestamp: now,
        },
      });

    backend = await startPlatformBackend({
      cluster,
      dir,
      config: {
        backend: {
          auth: {
            externalAccess: [
              {
                type: 'static',
                options: { token: serviceToken, subject: 'authz-test' },
              },
            ],
          },
        },
        kaas: { capabilities: { cache: capabilityConfig } },
      },
    });
    for (const [caller, user] of [
      ['owner', 'alice'],
      ['otherTeam', 'bob'],
      ['platformAdmin', 'petra'],
    ] as const) {
      tokens[caller] = await demoUserToken(backend, user);
    }
    const issued = await fetch(
      `${backend.baseUrl}/api/kaas/tenants/${tenant}/kubeconfig`,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${tokens.owner}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ mode: 'token', ttlSeconds: 600 }),
      },
    );
    if (issued.status !== 200) {
      throw new Error(`kubeconfig for the owner: ${issued.status}`);
    }
    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromString((await issued.json()).kubeconfig);
    tokens.kubeconfigHolder = kubeconfig.getCurrentUser()?.token;
    if (!tokens.kubeconfigHolder?.startsWith('ey')) {
      throw new Error('the kubeconfig holds no ServiceAccount token');
    }
    // Ownership is what the catalog says: wait for the provider to bring the tenant in.
    const inCatalog = async (name: string) => {
      const res = await fetch(
        `${backend.baseUrl}/api/catalog/entities/by-name/resource/default/${name}`,
        { headers: { Authorization: `Bearer ${serviceToken}` } },
      );
      return res.status === 200 ? true : undefined;
    };
    const backendLog = () =>
      backend
        .output()
        .split('\n')
        .filter(line => /kaas|error|warn/i.test(line))
        .slice(-30)
        .join('\n');
    for (const name of [tenant, `${tenant}.${instance}`]) {
      await waitFor(() => inCatalog(name), {
        timeoutMs: 60_000,
        describe: () =>
          `entity resource:default/${name} in the catalog; backend said:\n${backendLog()}`,
      });
    }
  }, 300_000);

  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const cases = ROUTES.flatMap(route =>
    CALLERS.map(caller => ({ ...route, caller })),
  );

  it.each(cases)(
    '$method $path as $caller',
    async ({ method, path: route, body, caller, expected }) => {
      const token = tokens[caller];
      const res = await fetch(`${backend.baseUrl}/api/kaas${route}`, {
        method,
        headers: {
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      const allowed = caller === 'owner' || caller === 'platformAdmin';
      expect({
        status: res.status,
        // A refusal says who may: the owner group's members and platform admins.
        refusal:
          res.status === 403
            ? JSON.parse(text).error.message.match(
                /^Only members of group:default\/team-a and platform admins/,
              )?.[0]
            : undefined,
        secretShown: text.includes(secretValue),
      }).toEqual({
        status: expected[caller],
        refusal:
          expected[caller] === 403
            ? 'Only members of group:default/team-a and platform admins'
            : undefined,
        secretShown: route.endsWith('/credentials') && allowed,
      });
    },
  );

  it("neither credential opens the other's door: a kubeconfig's token on Backstage, a Backstage token on the cluster", async () => {
    const kubeconfigToken = tokens.kubeconfigHolder!;
    for (const route of [
      '/api/catalog/entities?limit=1',
      '/api/scaffolder/v2/actions',
      '/api/kubernetes/clusters',
      '/api/kaas/tenants',
    ]) {
      const res = await fetch(`${backend.baseUrl}${route}`, {
        headers: { Authorization: `Bearer ${kubeconfigToken}` },
      });
      expect({ route, status: res.status }).toEqual({ route, status: 401 });
      // Nor as Backstage's sign-in cookie.
      const cookie = await fetch(`${backend.baseUrl}${route}`, {
        headers: { Cookie: `backstage-auth=${kubeconfigToken}` },
      });
      expect({ route, status: cookie.status }).toEqual({ route, status: 401 });
    }
    // Nor on the MCP endpoint, where an agent would call the same actions.
    const mcp = (authorization: string) =>
      fetch(`${backend.baseUrl}/api/mcp-actions/v1`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${authorization}`,
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
    expect((await mcp(kubeconfigToken)).status).toBe(401);
    expect((await mcp(tokens.owner!)).status).not.toBe(401);
    // The owner's Backstage token is no cluster credential.
    const withBackstageToken = new KubeConfig();
    withBackstageToken.loadFromOptions({
      clusters: [
        { name: 'local', server: cluster.url, caFile: cluster.caFile },
      ],
      users: [{ name: 'alice', token: tokens.owner }],
      contexts: [{ name: 'local', cluster: 'local', user: 'alice' }],
      currentContext: 'local',
    });
    await expect(
      withBackstageToken
        .makeApiClient(CoreV1Api)
        .listNamespacedPod({ namespace: `t-${tenant}` }),
    ).rejects.toMatchObject({ code: 401 });
  });

  it("reuses a verified token only as itself: a forged or altered copy of the owner's is refused right after the owner's own was accepted", async () => {
    const owner = tokens.owner!;
    const read = (token: string, route = `/api/kaas/tenants/${tenant}`) =>
      fetch(`${backend.baseUrl}${route}`, {
        headers: { Authorization: `Bearer ${token}` },
      }).then(res => res.status);
    // The backend now holds the owner's token as verified (packages/backend's
    // httpAuthServiceFactory).
    expect(await read(owner)).toBe(200);
    const [header, payload, signature] = owner.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const encode = (value: object) =>
      Buffer.from(JSON.stringify(value)).toString('base64url');
    const middle = Math.floor(signature.length / 2);
    const forged = {
      'one signature character changed': `${header}.${payload}.${signature.slice(
        0,
        middle,
      )}${signature[middle] === 'A' ? 'B' : 'A'}${signature.slice(middle + 1)}`,
      "the platform admin's name under the owner's signature": `${header}.${encode(
        { ...claims, sub: 'user:default/petra' },
      )}.${signature}`,
      "a later expiry under the owner's signature": `${header}.${encode({
        ...claims,
        exp: claims.exp + 86_400,
      })}.${signature}`,
      'no signature (alg none)': `${encode({
        ...JSON.parse(Buffer.from(header, 'base64url').toString()),
        alg: 'none',
      })}.${payload}.`,
    };
    for (const [how, token] of Object.entries(forged)) {
      for (const route of [
        `/api/kaas/tenants/${tenant}`,
        '/api/kaas/kubeconfig-options',
        '/api/catalog/entities?limit=1',
      ]) {
        expect({ how, route, status: await read(token, route) }).toEqual({
          how,
          route,
          status: 401,
        });
      }
    }
    // Each accepted token keeps its own user: the other team is still refused the
    // owner-only download after the owner's token was reused.
    const otherTeam = await fetch(
      `${backend.baseUrl}/api/kaas/tenants/${tenant}/kubeconfig`,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${tokens.otherTeam}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ mode: 'token', ttlSeconds: 600 }),
      },
    );
    expect(otherTeam.status).toBe(403);
    expect(await read(owner)).toBe(200);
  });

  it('reveals the credentials to the owner, and only then', async () => {
    const res = await fetch(
      `${backend.baseUrl}/api/kaas/tenants/${tenant}/instances/${instance}/credentials`,
      { method: 'POST', headers: { Authorization: `Bearer ${tokens.owner}` } },
    );
    expect(res.status).toBe(200);
    expect((await res.json()).values).toEqual({
      username: 'app',
      password: secretValue,
    });
    // Audit events are logged; the secret value never is.
    expect(backend.output()).toContain('instance-credentials-read');
    expect(backend.output()).not.toContain(secretValue);
  });

  it("shows the tenant's events to the owner group and platform admins only", async () => {
    const statusAs = async (caller: Caller) => {
      const res = await fetch(`${backend.baseUrl}/api/kaas/tenants/${tenant}`, {
        headers: { Authorization: `Bearer ${tokens[caller]}` },
      });
      expect(res.status).toBe(200);
      const text = await res.text();
      return { body: JSON.parse(text), text };
    };
    await waitFor(
      async () =>
        (await statusAs('owner')).body.events.length ? true : undefined,
      { timeoutMs: 30_000, describe: () => "the event in the owner's status" },
    );
    for (const caller of ['owner', 'platformAdmin'] as const) {
      const { body } = await statusAs(caller);
      expect(body.eventsHidden).toBe(false);
      expect(body.events.map((e: { message: string }) => e.message)).toContain(
        eventMessage,
      );
    }
    for (const caller of ['otherTeam', 'service'] as const) {
      const { body, text } = await statusAs(caller);
      expect({ eventsHidden: body.eventsHidden, events: body.events }).toEqual({
        eventsHidden: true,
        events: [],
      });
      expect(text).not.toContain(eventMessage);
      // The rest of the status stays readable.
      expect(body).toMatchObject({
        name: tenant,
        owner: 'group:default/team-a',
      });
    }
  });

  describe('with kaas.visibility opened to everyone', () => {
    let opened: BackstageBackend;
    let bob: string;

    beforeAll(async () => {
      opened = await startPlatformBackend({
        cluster,
        dir,
        config: {
          kaas: {
            capabilities: { cache: capabilityConfig },
            visibility: { events: 'everyone', connectionDetails: 'everyone' },
          },
        },
      });
      bob = await demoUserToken(opened, 'bob');
    }, 300_000);

    afterAll(async () => {
      await opened?.stop();
    });

    it("shows another team's member the tenant's events and the instance's connection details", async () => {
      const headers = { Authorization: `Bearer ${bob}` };
      const events = await waitFor(
        async () => {
          const res = await fetch(
            `${opened.baseUrl}/api/kaas/tenants/${tenant}`,
            { headers },
          );
          const body = await res.json();
          return body.events?.length ? body : undefined;
        },
        { timeoutMs: 30_000, describe: () => "events in bob's view" },
      );
      expect(events.eventsHidden).toBe(false);
      expect(
        events.events.map((e: { message: string }) => e.message),
      ).toContain(eventMessage);
      const connection = await fetch(
        `${opened.baseUrl}/api/kaas/tenants/${tenant}/instances/${instance}/connection`,
        { headers },
      );
      expect(connection.status).toBe(200);
      const text = await connection.text();
      expect(JSON.parse(text).shownValues).toEqual({ username: 'app' });
      // Shown values only: the password stays behind "Reveal credentials".
      expect(text).not.toContain(secretValue);
    });
  });
});
