import fs from 'node:fs';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  VCLUSTER_KINDS,
  adminKubeConfig,
  adminKubectl,
  installCrds,
  testCluster,
  uniqueName,
  waitFor,
} from '@internal/kaas-test-cluster';
import YAML from 'yaml';
import { ensurePlatformNamespace } from '../platform/platformNamespace';
import { localTestServices } from '../__testUtils__/localTestServices';
import { KubeconfigIssuer } from './KubeconfigIssuer';
import {
  jwtPayload,
  kubectlWith,
  writeTemp,
} from '../__testUtils__/kubectlWith';

const ISSUANCE = 'kaas.internal/kubeconfig-issuance';

describe('KubeconfigIssuer against the local control plane, checked with the real kubectl', () => {
  const cluster = testCluster();
  const {
    settings,
    clusters,
    tenants,
    issuer,
    platformNamespace: platform,
  } = localTestServices();
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const teamA = uniqueName('kc-a');
  const teamB = uniqueName('kc-b');

  beforeAll(async () => {
    for (const [name, owner] of [
      [teamA, 'team-a'],
      [teamB, 'team-b'],
    ]) {
      await tenants.create(
        tenants.validate({
          name,
          owner,
          isolation: 'namespace',
          profile: 'open',
        }),
      );
    }
  });

  it('issues a token kubeconfig that kubectl can use in the home namespace only, valid for the TTL asked', async () => {
    const issued = await issuer.issue(teamA, {
      mode: 'token',
      ttlSeconds: 900,
      issuedTo: 'user:default/alice',
    });
    expect(issued).toMatchObject({
      tenant: teamA,
      cluster: 'local',
      namespace: `t-${teamA}`,
      context: `${teamA}@local`,
      mode: 'token',
      filename: `${teamA}.kubeconfig`,
      kubectl: `kubectl --kubeconfig ${teamA}.kubeconfig get pods`,
    });
    expect(issued.issuanceId).toMatch(
      new RegExp(`^kubeconfig-${teamA}-[0-9a-f]{10}$`),
    );

    const file = YAML.parse(issued.kubeconfig);
    expect(file).toMatchObject({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': `${teamA}@local`,
      clusters: [
        {
          name: 'local',
          cluster: {
            server: cluster.url,
            'certificate-authority-data': fs
              .readFileSync(cluster.caFile)
              .toString('base64'),
          },
        },
      ],
      contexts: [
        {
          name: `${teamA}@local`,
          context: {
            cluster: 'local',
            user: `${teamA}-token`,
            namespace: `t-${teamA}`,
          },
        },
      ],
      users: [{ name: `${teamA}-token` }],
    });
    const token: string = file.users[0].user.token;
    const payload = jwtPayload(token);
    expect(payload.exp - payload.iat).toBe(900);
    expect(new Date(issued.expiresAt!).getTime()).toBe(payload.exp * 1000);
    // The ServiceAccount and the record the token is bound to live in the platform
    // namespace, where the tenant cannot write.
    expect(payload['kubernetes.io']).toMatchObject({
      namespace: platform,
      serviceaccount: { name: `kubeconfig-${teamA}` },
      secret: { name: issued.issuanceId },
    });

    const kubeconfig = writeTemp(issued.filename, issued.kubeconfig);
    const canI = await kubectlWith(
      kubeconfig,
      'auth',
      'can-i',
      'create',
      'deployments',
      '-n',
      `t-${teamA}`,
    );
    expect(canI).toEqual({ code: 0, out: 'yes\n' });
    const pods = await kubectlWith(kubeconfig, 'get', 'pods');
    expect(pods.code).toBe(0);
    expect(pods.out).toContain(`No resources found in t-${teamA} namespace`);

    for (const elsewhere of [`t-${teamB}`, 'kube-system', 'default']) {
      const refused = await kubectlWith(
        kubeconfig,
        'get',
        'pods',
        '-n',
        elsewhere,
      );
      expect(refused.code).not.toBe(0);
      expect(refused.out).toMatch(/Forbidden/);
    }
    const clusterWide = await kubectlWith(kubeconfig, 'get', 'namespaces');
    expect(clusterWide.out).toMatch(/Forbidden/);

    // The issuance record: no data, marks and who/when, listed without the token.
    const record = await core.readNamespacedSecret({
      name: issued.issuanceId!,
      namespace: platform,
    });
    expect(record.type).toBe(ISSUANCE);
    expect(record.data).toBeUndefined();
    expect(record.metadata?.labels).toEqual({
      'kaas.internal/managed-by': 'backstage-kaas',
      'kaas.internal/tenant': teamA,
      [ISSUANCE]: 'true',
    });
    expect(record.metadata?.annotations).toMatchObject({
      'kaas.internal/issued-to': 'user:default/alice',
    });
    const listed = await issuer.list(teamA);
    expect(listed).toContainEqual({
      id: issued.issuanceId,
      issuedTo: 'user:default/alice',
      issuedAt: record.metadata!.annotations!['kaas.internal/issued-at'],
      expiresAt: issued.expiresAt,
      mode: 'token',
    });
    expect(JSON.stringify(listed)).not.toContain(token);
  });

  it('revokes every token kubeconfig of a tenant: kubectl is refused afterwards', async () => {
    const first = await issuer.issue(teamA, {
      mode: 'token',
      issuedTo: 'user:default/alice',
    });
    const second = await issuer.issue(teamA, {
      mode: 'token',
      issuedTo: 'user:default/carol',
    });
    const payload = jwtPayload(
      YAML.parse(first.kubeconfig).users[0].user.token,
    );
    // Without ttlSeconds: kaas.kubeconfig.defaultTtl.
    expect(payload.exp - payload.iat).toBe(3600);
    const files = [first, second].map(i => writeTemp(i.filename, i.kubeconfig));
    for (const file of files) {
      expect((await kubectlWith(file, 'get', 'pods')).code).toBe(0);
    }

    const { revoked } = await issuer.revoke(teamA);
    expect(revoked).toBeGreaterThanOrEqual(2);
    expect(await issuer.list(teamA)).toEqual([]);
    for (const file of files) {
      const refused = await waitFor(
        async () => {
          const result = await kubectlWith(file, 'get', 'pods');
          return result.code !== 0 ? result : undefined;
        },
        {
          timeoutMs: 30_000,
          describe: () => 'kubectl still works after revocation',
        },
      );
      expect(refused.out).toMatch(/Unauthorized/);
    }

    // A new kubeconfig works again: revocation removed the records, not the ServiceAccount.
    const third = await issuer.issue(teamA, {
      mode: 'token',
      issuedTo: 'user:default/alice',
    });
    const again = await kubectlWith(
      writeTemp(third.filename, third.kubeconfig),
      'get',
      'pods',
    );
    expect(again.code).toBe(0);
  });

  it('issues from another backend instance (or after a minute) for a tenant already set up: applying the ServiceAccount again changes nothing', async () => {
    await issuer.issue(teamA, {
      mode: 'token',
      issuedTo: 'user:default/alice',
    });
    const other = new KubeconfigIssuer({ clusters, tenants, settings });
    const issued = await other.issue(teamA, {
      mode: 'token',
      issuedTo: 'user:default/arthur',
    });
    const file = writeTemp(issued.filename, issued.kubeconfig);
    expect((await kubectlWith(file, 'get', 'pods')).code).toBe(0);
  });

  it('deletes expired issuance records on the next issuance', async () => {
    const namespace = await ensurePlatformNamespace(
      clusters.get('local'),
      tenants.policy.settings,
    );
    const expired = uniqueName(`kubeconfig-${teamB}-old`);
    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: {
          name: expired,
          labels: {
            'kaas.internal/managed-by': 'backstage-kaas',
            'kaas.internal/tenant': teamB,
            [ISSUANCE]: 'true',
          },
          annotations: {
            'kaas.internal/issued-to': 'user:default/bob',
            'kaas.internal/issued-at': '2020-01-01T00:00:00.000Z',
            'kaas.internal/expires-at': '2020-01-01T01:00:00.000Z',
          },
        },
        type: ISSUANCE,
      },
    });
    expect((await issuer.list(teamB)).map(i => i.id)).not.toContain(expired);

    const issued = await issuer.issue(teamB, {
      mode: 'token',
      ttlSeconds: 600,
      issuedTo: 'user:default/bob',
    });
    const names = (
      await core.listNamespacedSecret({
        namespace,
        labelSelector: `${ISSUANCE}=true`,
      })
    ).items.map(s => s.metadata?.name);
    expect(names).toContain(issued.issuanceId);
    expect(names).not.toContain(expired);
  });

  it('refuses a TTL out of range, a mode the tenant does not offer and an unknown tenant', async () => {
    for (const ttlSeconds of [599, 4 * 3600 + 1, 1.5]) {
      await expect(
        issuer.issue(teamA, { mode: 'token', ttlSeconds, issuedTo: 'x' }),
      ).rejects.toThrow(
        new InputError(
          `ttlSeconds ${ttlSeconds} is out of range; a token kubeconfig lives from 600 s (10 min) to 14400 s (4 h, kaas.kubeconfig.maxTtl)`,
        ),
      );
    }
    await expect(
      issuer.issue(teamA, { mode: 'oidc', issuedTo: 'x' }),
    ).rejects.toThrow(
      `Tenant '${teamA}' (isolation namespace) offers token kubeconfigs, not oidc (kaas.oidc is not configured)`,
    );
    await expect(
      issuer.issue(teamA, { mode: 'cluster', issuedTo: 'x' }),
    ).rejects.toBeInstanceOf(InputError);
    const missing = uniqueName('missing');
    await expect(
      issuer.issue(missing, { mode: 'token', issuedTo: 'x' }),
    ).rejects.toThrow(new NotFoundError(`Tenant '${missing}' does not exist`));
    await expect(issuer.list(missing)).rejects.toBeInstanceOf(NotFoundError);
    await expect(issuer.revoke(missing)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('never takes over a ServiceAccount of the same name that the platform did not create', async () => {
    const name = uniqueName('kc-foreign');
    await tenants.create(
      tenants.validate({
        name,
        owner: 'team-a',
        isolation: 'namespace',
        profile: 'open',
      }),
    );
    await ensurePlatformNamespace(
      clusters.get('local'),
      tenants.policy.settings,
    );
    await core.createNamespacedServiceAccount({
      namespace: platform,
      body: { metadata: { name: `kubeconfig-${name}` } },
    });
    await expect(
      issuer.issue(name, { mode: 'token', issuedTo: 'user:default/alice' }),
    ).rejects.toThrow(ConflictError);
    const records = await core.listNamespacedSecret({
      namespace: platform,
      labelSelector: `kaas.internal/tenant=${name}`,
    });
    expect(records.items).toEqual([]);
  });

  it('retires what earlier versions kept in the home namespace: their tokens stop working, the RoleBinding names the platform ServiceAccount', async () => {
    const name = uniqueName('kc-legacy');
    const namespace = `t-${name}`;
    await tenants.create(
      tenants.validate({
        name,
        owner: 'team-a',
        isolation: 'namespace',
        profile: 'open',
      }),
    );
    // What the previous issuer applied, and a token minted for its ServiceAccount.
    const marks = {
      'kaas.internal/managed-by': 'backstage-kaas',
      'kaas.internal/tenant': name,
    };
    await adminKubectl(
      cluster,
      'apply',
      '--server-side',
      '-f',
      writeTemp(
        'legacy.yaml',
        [
          {
            apiVersion: 'v1',
            kind: 'ServiceAccount',
            metadata: { name: 'kaas-kubeconfig', namespace, labels: marks },
          },
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'RoleBinding',
            metadata: {
              name: 'kaas-kubeconfig-admin',
              namespace,
              labels: marks,
            },
            roleRef: {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'ClusterRole',
              name: 'admin',
            },
            subjects: [
              { kind: 'ServiceAccount', name: 'kaas-kubeconfig', namespace },
            ],
          },
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: {
              name: 'kaas-kubeconfig-0123456789',
              namespace,
              labels: { ...marks, [ISSUANCE]: 'true' },
            },
            type: ISSUANCE,
          },
        ]
          .map(o => YAML.stringify(o))
          .join('---\n'),
      ),
    );
    const legacyToken = (
      await adminKubectl(
        cluster,
        'create',
        'token',
        'kaas-kubeconfig',
        '-n',
        namespace,
        '--duration=1h',
      )
    ).trim();
    const legacy = writeTemp(
      'legacy.kubeconfig',
      YAML.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'local',
            cluster: {
              server: cluster.url,
              'certificate-authority-data': fs
                .readFileSync(cluster.caFile)
                .toString('base64'),
            },
          },
        ],
        users: [{ name: 'legacy', user: { token: legacyToken } }],
        contexts: [
          {
            name: 'legacy',
            context: { cluster: 'local', user: 'legacy', namespace },
          },
        ],
        'current-context': 'legacy',
      }),
    );
    expect((await kubectlWith(legacy, 'get', 'pods')).code).toBe(0);

    const issued = await issuer.issue(name, {
      mode: 'token',
      issuedTo: 'user:default/alice',
    });
    await expect(
      core.readNamespacedServiceAccount({ name: 'kaas-kubeconfig', namespace }),
    ).rejects.toMatchObject({ code: 404 });
    expect(
      (
        await core.listNamespacedSecret({
          namespace,
          labelSelector: `${ISSUANCE}=true`,
        })
      ).items,
    ).toEqual([]);
    const binding = JSON.parse(
      await adminKubectl(
        cluster,
        'get',
        'rolebinding',
        'kaas-kubeconfig-admin',
        '-n',
        namespace,
        '-o',
        'json',
      ),
    );
    expect(binding.subjects).toEqual([
      {
        kind: 'ServiceAccount',
        name: `kubeconfig-${name}`,
        namespace: platform,
      },
    ]);
    // Forbidden at once (its RoleBinding is gone), then Unauthorized (its ServiceAccount
    // is gone) once the API server's token cache lets go of it.
    const refused = await waitFor(
      async () => {
        const result = await kubectlWith(legacy, 'get', 'pods');
        return /Unauthorized/.test(result.out) ? result : undefined;
      },
      {
        timeoutMs: 30_000,
        describe: () => 'the legacy token is still accepted',
      },
    );
    expect(refused.code).not.toBe(0);
    const fresh = writeTemp(issued.filename, issued.kubeconfig);
    expect((await kubectlWith(fresh, 'get', 'pods')).code).toBe(0);
  });

  it('removes the ServiceAccount and the issuance records from the platform namespace with the tenant', async () => {
    const name = uniqueName('kc-gone');
    await tenants.create(
      tenants.validate({
        name,
        owner: 'team-a',
        isolation: 'namespace',
        profile: 'open',
      }),
    );
    const issued = await issuer.issue(name, {
      mode: 'token',
      issuedTo: 'user:default/alice',
    });
    await core.readNamespacedServiceAccount({
      name: `kubeconfig-${name}`,
      namespace: platform,
    });
    await tenants.delete(name, { waitUntilGone: true });
    const left = await waitFor(
      async () => {
        const objects = [
          ...(
            await core.listNamespacedSecret({
              namespace: platform,
              labelSelector: `kaas.internal/tenant=${name}`,
            })
          ).items,
          ...(
            await core.listNamespacedServiceAccount({
              namespace: platform,
              labelSelector: `kaas.internal/tenant=${name}`,
            })
          ).items,
        ];
        return objects.length === 0 ? objects : undefined;
      },
      {
        timeoutMs: 60_000,
        describe: () =>
          `objects of tenant '${name}' are still in the platform namespace (issuance ${issued.issuanceId})`,
      },
    );
    expect(left).toEqual([]);
  }, 90_000);

  it('issues OIDC kubeconfigs with the kaas-login exec plugin and no secret inside', async () => {
    const oidcIssuer = new KubeconfigIssuer({
      clusters,
      tenants,
      settings: {
        ...settings,
        oidc: {
          issuerUrl: 'https://sso.example.com/realms/main',
          clientId: 'kubernetes',
          extraScopes: ['email', 'groups'],
        },
      },
    });
    expect(oidcIssuer.modesFor('namespace')).toEqual(['token', 'oidc']);
    expect(oidcIssuer.kubeconfigOptions()).toEqual({
      modes: ['token', 'oidc', 'cluster'],
      defaultTtlSeconds: 3600,
      maxTtlSeconds: 14400,
      minTtlSeconds: 600,
    });
    const issued = await oidcIssuer.issue(teamA, {
      mode: 'oidc',
      issuedTo: 'user:default/alice',
    });
    expect(issued).toMatchObject({
      mode: 'oidc',
      namespace: `t-${teamA}`,
      context: `${teamA}@local`,
    });
    expect(issued.expiresAt).toBeUndefined();
    expect(issued.issuanceId).toBeUndefined();
    const file = YAML.parse(issued.kubeconfig);
    expect(file.users).toEqual([
      {
        name: `${teamA}-oidc`,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: 'kubectl',
            args: [
              'kaas-login',
              'get-token',
              '--issuer-url=https://sso.example.com/realms/main',
              '--client-id=kubernetes',
              '--extra-scope=email',
              '--extra-scope=groups',
            ],
            interactiveMode: 'Never',
          },
        },
      },
    ]);
    expect(issued.kubeconfig).not.toMatch(/token:|client-secret|password/);

    // kubectl reads the file as it is.
    const view = await kubectlWith(
      writeTemp(issued.filename, issued.kubeconfig),
      'config',
      'view',
      '-o',
      'jsonpath={.contexts[0].context.namespace} {.users[0].user.exec.args[1]}',
    );
    expect(view).toEqual({ code: 0, out: `t-${teamA} get-token` });
  });

  it('hands out the kubeconfig Cluster API wrote for a virtual cluster tenant, as written', async () => {
    await installCrds(
      cluster,
      ['cluster-api', 'cluster-api-provider-vcluster'],
      [
        ...VCLUSTER_KINDS,
        {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
          kind: 'VCluster',
        },
      ],
    );
    const name = uniqueName('kc-vc');
    await tenants.create(
      tenants.validate({
        name,
        owner: 'team-a',
        isolation: 'vcluster',
        profile: 'small',
      }),
    );
    expect(issuer.modesFor('vcluster')).toEqual(['cluster']);
    await expect(
      issuer.issue(name, { mode: 'token', issuedTo: 'x' }),
    ).rejects.toThrow(
      `Tenant '${name}' (isolation vcluster) offers cluster kubeconfigs, not token`,
    );
    await expect(
      issuer.issue(name, { mode: 'cluster', issuedTo: 'x' }),
    ).rejects.toThrow(
      new NotFoundError(
        `Secret 't-${name}/${name}-kubeconfig' with the kubeconfig of tenant '${name}' does not exist yet; wait until the tenant is ready`,
      ),
    );

    // What Cluster API writes once the virtual cluster runs.
    const written = YAML.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name,
          cluster: {
            server: `https://${name}.t-${name}.svc:443`,
            'certificate-authority-data': 'Q0E=',
          },
        },
      ],
      users: [
        {
          name: `${name}-admin`,
          user: {
            'client-certificate-data': 'Q0VSVA==',
            'client-key-data': 'S0VZ',
          },
        },
      ],
      contexts: [
        {
          name: `${name}-admin@${name}`,
          context: { cluster: name, user: `${name}-admin`, namespace: 'apps' },
        },
      ],
      'current-context': `${name}-admin@${name}`,
    });
    await core.createNamespacedSecret({
      namespace: `t-${name}`,
      body: {
        metadata: {
          name: `${name}-kubeconfig`,
          labels: { 'cluster.x-k8s.io/cluster-name': name },
        },
        type: 'cluster.x-k8s.io/secret',
        stringData: { value: written },
      },
    });
    const issued = await issuer.issue(name, {
      mode: 'cluster',
      issuedTo: 'user:default/alice',
    });
    expect(issued).toEqual({
      tenant: name,
      cluster: 'local',
      namespace: 'apps',
      context: `${name}-admin@${name}`,
      mode: 'cluster',
      filename: `${name}.kubeconfig`,
      kubeconfig: written,
      kubectl: `kubectl --kubeconfig ${name}.kubeconfig get namespaces`,
    });
    await tenants.delete(name, { waitUntilGone: false });
  }, 120_000);
});
