import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { ConfigReader } from '@backstage/config';
import type { TenantService } from '@kaas-platform/plugin-kaas-node';
import {
  adminKubeConfig,
  type BackstageBackend,
  demoUserToken,
  KUBECTL,
  REPO_ROOT,
  repoKaasConfigData,
  startPlatformBackend,
  testCluster,
  uniqueName,
  waitFor,
} from '@internal/kaas-test-cluster';
import { tenantsOver } from './__testUtils__/tenantsOver';

/**
 * Backstage's core Kubernetes plugin in the real backend process (packages/backend with
 * app-config.yaml) against the real control plane: its proxy and its object routes show
 * bob (team-b) nothing of alice's (team-a) tenant, and it reads with a credential of its
 * own that cannot read Secrets.
 */

const execFileAsync = promisify(execFile);
const cluster = testCluster();
const tenant = uniqueName('k8splugin');
const home = `t-${tenant}`;
const xaas = `${home}-xaas`;
/** A namespace the platform did not make: what is in it is nobody's tenant. */
const plain = uniqueName('plain');
const secretValue = crypto.randomBytes(12).toString('hex');
const configValue = crypto.randomBytes(12).toString('hex');
const tenantLabel = 'kaas.internal/tenant';

/** A Pod object (no kubelet runs it) that passes the `restricted` Pod Security level. */
function pod(name: string): V1Pod {
  return {
    metadata: { name, labels: { [tenantLabel]: tenant } },
    spec: {
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 65534,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'app',
          image: 'pause',
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          },
        },
      ],
    },
  };
}

/** Bob's own Components, registered by bob from a URL, pointing at alice's objects. */
const bobComponents = (names: { inHerNamespace: string; anywhere: string }) =>
  [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: names.inHerNamespace,
        annotations: {
          'backstage.io/kubernetes-namespace': home,
          'backstage.io/kubernetes-label-selector': `${tenantLabel}=${tenant}`,
        },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-b' },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: names.anywhere,
        annotations: {
          'backstage.io/kubernetes-label-selector': `${tenantLabel}=${tenant}`,
        },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-b' },
    },
  ]
    .map(c => JSON.stringify(c))
    .join('\n---\n');

interface ObjectsResponse {
  items?: Array<{
    cluster: { name: string };
    resources: Array<{ type: string; resources: any[] }>;
    errors: unknown[];
  }>;
}

/** `namespace/name` of every object in a Kubernetes plugin response. */
function objectsIn(response: ObjectsResponse): string[] {
  return (response.items ?? []).flatMap(item =>
    item.resources.flatMap(r =>
      r.resources.map(o => `${o.metadata?.namespace}/${o.metadata?.name}`),
    ),
  );
}

describe('the core Kubernetes plugin in the real backend process', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-k8s-plugin-test-'));
  const components = {
    inHerNamespace: uniqueName('bob-in-her-ns'),
    anywhere: uniqueName('bob-anywhere'),
  };
  let backend: BackstageBackend;
  let catalogServer: http.Server;
  const tokens: Record<'alice' | 'bob' | 'petra', string> = {
    alice: '',
    bob: '',
    petra: '',
  };
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  let tenants: TenantService;

  const api = async (
    user: keyof typeof tokens,
    route: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> },
  ) => {
    const res = await fetch(`${backend.baseUrl}${route}`, {
      method: init.method ?? (init.body ? 'POST' : 'GET'),
      headers: {
        Authorization: `Bearer ${tokens[user]}`,
        ...(init.body ? { 'Content-Type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
    return { status: res.status, text: await res.text() };
  };
  const entity = async (ref: string) => {
    const [kind, rest] = ref.split(':');
    const [namespace, name] = rest.split('/');
    const res = await api(
      'bob',
      `/api/catalog/entities/by-name/${kind}/${namespace}/${name}`,
      {},
    );
    return res.status === 200 ? JSON.parse(res.text) : undefined;
  };

  /**
   * The objects every object route of the plugin, and its resources action (as MCP
   * clients call it), show `user` for `entityRef`.
   */
  const objectsFor = async (user: keyof typeof tokens, entityRef: string) => {
    const found = await entity(entityRef);
    const routes = [
      {
        route: `/api/kubernetes/services/${found.metadata.name}`,
        body: { entity: found },
      },
      {
        route: '/api/kubernetes/resources/workloads/query',
        body: { entityRef },
      },
      {
        route: '/api/kubernetes/resources/custom/query',
        body: {
          entityRef,
          customResources: [{ group: '', apiVersion: 'v1', plural: 'pods' }],
        },
      },
      {
        route:
          '/api/kubernetes/.backstage/actions/v1/actions/kubernetes:get-kubernetes-resources-for-entity/invoke',
        body: {
          kind: found.kind,
          namespace: found.metadata.namespace,
          name: found.metadata.name,
        },
      },
    ];
    const seen: Record<string, string[]> = {};
    for (const { route, body } of routes) {
      const res = await api(user, route, { body });
      expect({ route, status: res.status }).toEqual({ route, status: 200 });
      expect(res.text).not.toContain(secretValue);
      expect(res.text).not.toContain(configValue);
      const json = JSON.parse(res.text);
      seen[route] = objectsIn(json.output ?? json).sort();
    }
    return seen;
  };

  beforeAll(async () => {
    const arrange = tenantsOver(new ConfigReader(repoKaasConfigData(cluster)));
    tenants = arrange.tenants;
    await arrange.createTeamATenant(tenant);
    // The tenant's XaaS namespace, marked as the platform marks it.
    await core.createNamespace({
      body: {
        metadata: {
          name: xaas,
          labels: {
            [tenantLabel]: tenant,
            'kaas.internal/managed-by': 'backstage-kaas',
          },
          annotations: { 'kaas.internal/owner': 'group:default/team-a' },
        },
      },
    });
    await core.createNamespace({ body: { metadata: { name: plain } } });
    await core.createNamespacedSecret({
      namespace: home,
      body: {
        metadata: { name: 'db', labels: { [tenantLabel]: tenant } },
        stringData: { password: secretValue },
      },
    });
    await core.createNamespacedConfigMap({
      namespace: home,
      body: {
        metadata: { name: 'settings', labels: { [tenantLabel]: tenant } },
        data: { value: configValue },
      },
    });
    for (const namespace of [home, xaas, plain]) {
      // The service account controller makes `default`, which Pods need, a moment after.
      await waitFor(
        () =>
          core.createNamespacedPod({ namespace, body: pod('app') }).then(
            () => true,
            () => undefined,
          ),
        { timeoutMs: 30_000, describe: () => `a Pod in ${namespace}` },
      );
    }

    // Bob serves his own catalog file, as from his repository.
    catalogServer = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/yaml');
      res.end(bobComponents(components));
    });
    await new Promise<void>(r => catalogServer.listen(0, '127.0.0.1', r));
    const { port } = catalogServer.address() as { port: number };

    backend = await startPlatformBackend({
      cluster,
      dir,
      config: {
        backend: { reading: { allow: [{ host: `127.0.0.1:${port}` }] } },
      },
    });
    for (const user of ['alice', 'bob', 'petra'] as const) {
      tokens[user] = await demoUserToken(backend, user);
    }
    const registered = await api('bob', '/api/catalog/locations', {
      body: {
        type: 'url',
        target: `http://127.0.0.1:${port}/catalog-info.yaml`,
      },
    });
    if (registered.status !== 201) {
      throw new Error(
        `bob could not register his location: ${registered.text}`,
      );
    }
    const started = backend;
    const backendSaid = () =>
      started
        .output()
        .split('\n')
        .filter(l => /error|warn/i.test(l))
        .slice(-20)
        .join('\n');
    for (const ref of [
      `resource:default/${tenant}`,
      `component:default/${components.inHerNamespace}`,
      `component:default/${components.anywhere}`,
    ]) {
      await waitFor(() => entity(ref), {
        timeoutMs: 90_000,
        describe: () =>
          `${ref} in the catalog; backend said:\n${backendSaid()}`,
      });
    }
  }, 300_000);

  afterAll(async () => {
    await backend?.stop();
    await new Promise(r => (catalogServer ? catalogServer.close(r) : r(null)));
    await tenants?.delete(tenant).catch(() => undefined);
    for (const name of [xaas, plain]) {
      await core.deleteNamespace({ name }).catch(() => undefined);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the proxy to bob and to the owner (403, no Secret), and lets a platform admin through with the read-only credential', async () => {
    const secrets = `/api/kubernetes/proxy/api/v1/namespaces/${home}/secrets`;
    const headers = { 'Backstage-Kubernetes-Cluster': 'local' };
    for (const user of ['bob', 'alice'] as const) {
      const res = await api(user, secrets, { headers });
      // Refused by the permission policy, before any request reaches the cluster.
      expect({
        user,
        status: res.status,
        error: JSON.parse(res.text).error?.name,
      }).toEqual({
        user,
        status: 403,
        error: 'NotAllowedError',
      });
      expect(res.text).not.toContain(secretValue);
    }
    // Petra passes the policy; the plugin's credential itself cannot read Secrets.
    const asAdmin = await api('petra', secrets, { headers });
    expect(asAdmin.status).toBe(403);
    expect(JSON.parse(asAdmin.text)).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
    });
    expect(asAdmin.text).not.toContain(secretValue);
    const pods = await api(
      'petra',
      `/api/kubernetes/proxy/api/v1/namespaces/${home}/pods`,
      { headers },
    );
    expect(pods.status).toBe(200);
    expect(
      JSON.parse(pods.text).items.map((p: V1Pod) => p.metadata?.name),
    ).toEqual(['app']);
  });

  it('reads with the Kubernetes plugin reader, not the kaas backend’s credential', async () => {
    const review = await api(
      'petra',
      '/api/kubernetes/proxy/apis/authentication.k8s.io/v1/selfsubjectreviews',
      {
        method: 'POST',
        headers: { 'Backstage-Kubernetes-Cluster': 'local' },
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'SelfSubjectReview',
        },
      },
    );
    expect(review.status).toBe(201);
    expect(JSON.parse(review.text).status.userInfo.username).toBe(
      'system:serviceaccount:kaas-system:backstage-kubernetes-reader',
    );

    // What scripts/start.sh exports for the plugin's entry in app-config.yaml is not
    // read from the backend's token file.
    const appConfig = fs.readFileSync(
      path.join(REPO_ROOT, 'app-config.yaml'),
      'utf8',
    );
    const pluginTokens = [
      ...appConfig.matchAll(/serviceAccountToken:\s*(\S+)/g),
    ].map(m => m[1]);
    const clusterScript = fs.readFileSync(
      path.join(REPO_ROOT, 'scripts/lib/cluster.sh'),
      'utf8',
    );
    const fromBackendToken = [
      ...clusterScript.matchAll(/(\w+)="\$\(cat "[^"]*backend\.token"\)"/g),
    ].map(m => m[1]);
    expect(pluginTokens).toEqual(['${KAAS_LOCAL_KUBERNETES_READER_TOKEN}']);
    expect(clusterScript).toMatch(
      /KAAS_LOCAL_KUBERNETES_READER_TOKEN="\$\(cat "\$data_dir\/kubernetes-reader\.token"\)"/,
    );
    expect(fromBackendToken).not.toContain(
      'KAAS_LOCAL_KUBERNETES_READER_TOKEN',
    );
  });

  it('shows bob none of alice’s objects through the object routes and the resources action, for her tenant entity and for his own Components aimed at her namespaces', async () => {
    const hers = (objects: string[]) =>
      objects.filter(o => o.startsWith(`${home}/`) || o.startsWith(`${xaas}/`));

    const forTenant = await objectsFor('bob', `resource:default/${tenant}`);
    const forHerNamespace = await objectsFor(
      'bob',
      `component:default/${components.inHerNamespace}`,
    );
    const forAnywhere = await objectsFor(
      'bob',
      `component:default/${components.anywhere}`,
    );
    for (const seen of [forTenant, forHerNamespace, forAnywhere]) {
      for (const [route, objects] of Object.entries(seen)) {
        expect({ route, hers: hers(objects) }).toEqual({ route, hers: [] });
      }
    }
    // Objects in namespaces that are nobody's tenant still show.
    expect(Object.values(forAnywhere)).toEqual([
      [`${plain}/app`],
      [`${plain}/app`],
      [`${plain}/app`],
      [`${plain}/app`],
    ]);
  });

  it('shows alice (owner) and petra (platform admin) her Pods through the object routes and the resources action', async () => {
    for (const user of ['alice', 'petra'] as const) {
      const forTenant = await objectsFor(user, `resource:default/${tenant}`);
      for (const [route, objects] of Object.entries(forTenant)) {
        expect({ user, route, pod: objects.includes(`${home}/app`) }).toEqual({
          user,
          route,
          pod: true,
        });
      }
      const forAnywhere = await objectsFor(
        user,
        `component:default/${components.anywhere}`,
      );
      for (const [route, objects] of Object.entries(forAnywhere)) {
        const pods = [`${home}/app`, `${xaas}/app`, `${plain}/app`];
        expect({
          user,
          route,
          pods: pods.filter(p => objects.includes(p)),
        }).toEqual({ user, route, pods });
      }
    }
  });

  it('gives the plugin’s reader token no Secrets, no ConfigMaps, no subresources and no writes (real kubectl)', async () => {
    const kubectl = (...args: string[]) =>
      execFileAsync(KUBECTL, [
        '--kubeconfig',
        cluster.kubernetesReaderKubeconfig,
        ...args,
      ]).then(
        r => r.stdout.trim(),
        (e: { stdout?: string; stderr?: string }) =>
          `${e.stdout ?? ''}${e.stderr ?? ''}`.trim(),
      );
    // `kubectl auth can-i` prints yes or no on stdout (cluster-scoped kinds warn on stderr).
    const canI = (question: string) =>
      execFileAsync(KUBECTL, [
        '--kubeconfig',
        cluster.kubernetesReaderKubeconfig,
        'auth',
        'can-i',
        ...question.split(' '),
        '-n',
        home,
      ]).then(
        r => r.stdout.trim(),
        (e: { stdout?: string }) => (e.stdout ?? '').trim(),
      );

    const refused = [
      'get secrets',
      'list secrets',
      'watch secrets',
      'get configmaps',
      'list configmaps',
      'create pods --subresource=exec',
      'get pods --subresource=exec',
      'create pods --subresource=attach',
      'create pods --subresource=portforward',
      'get pods --subresource=log',
      'get pods --subresource=proxy',
      'get services --subresource=proxy',
      'get nodes --subresource=proxy',
      'create serviceaccounts --subresource=token',
      'create pods',
      'delete pods',
      'patch deployments.apps',
      'create rolebindings.rbac.authorization.k8s.io',
      'list namespaces',
    ];
    const answers: Record<string, string> = {};
    for (const question of refused) answers[question] = await canI(question);
    expect(answers).toEqual(
      Object.fromEntries(refused.map(question => [question, 'no'])),
    );
    for (const question of [
      'get pods',
      'list deployments.apps',
      'watch pods',
    ]) {
      expect({ question, answer: await canI(question) }).toEqual({
        question,
        answer: 'yes',
      });
    }
    expect(await kubectl('get', 'pods', '-n', home, '-o', 'name')).toBe(
      'pod/app',
    );
    const secrets = await kubectl('get', 'secrets', '-n', home);
    expect(secrets).toMatch(/forbidden/);
    expect(secrets).not.toContain(secretValue);
  });
});
